// electron-vite: main (ESM, dependencies stay in node_modules), preload (CommonJS and
// fully bundled: a sandboxed preload can require nothing but 'electron'), renderer (Vue).
import path from 'node:path'
import { defineConfig } from 'electron-vite'
import { rendererConfig, ROOT } from './vite.web.config'

export default defineConfig({
  main: {
    build: {
      outDir: path.join(ROOT, 'out', 'main'),
      externalizeDeps: true,
      lib: { entry: path.join(ROOT, 'src-main', 'index.ts'), formats: ['es'], fileName: () => 'index.js' },
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
