#!/usr/bin/env node
// `crm` as an installed bin: registers tsx's loader, then runs the TypeScript entry.
const path = require('node:path')
const { pathToFileURL } = require('node:url')

import('tsx/esm/api')
  .then(({ register }) => {
    register()
    return import(pathToFileURL(path.join(__dirname, 'crm.ts')).href)
  })
  .catch((e) => {
    process.stderr.write(`crm: ${e && e.message ? e.message.split('\n')[0] : String(e)}\n`)
    process.exitCode = 1
  })
