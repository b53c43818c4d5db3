// The renderer's vite build. The browser mode (`crm serve`, Playwright) serves it from
// out/renderer-web; electron.vite.config.ts builds the very same app for Electron.
// index.html carries the CSP as a meta tag (file:// pages in Electron get no headers).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig, type UserConfig } from 'vite'

export const ROOT = path.dirname(fileURLToPath(import.meta.url))

export function rendererConfig(outDir: string): UserConfig {
  return {
    root: path.join(ROOT, 'src-renderer'),
    base: './',
    plugins: [vue()],
    resolve: { alias: { '@contract': path.join(ROOT, 'src-main', 'contract') } },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'chrome120',
      chunkSizeWarningLimit: 2500,
      rollupOptions: { input: path.join(ROOT, 'src-renderer', 'index.html') },
    },
  }
}

export default defineConfig(rendererConfig(path.join(ROOT, 'out', 'renderer-web')))
