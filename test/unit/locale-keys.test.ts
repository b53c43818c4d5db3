// Every error key the main process can send has a text in both UI languages, and the two
// languages define exactly the same message keys. Keys are collected from the source: the
// `key: '…'` of an AppError and the first argument of ruleError(…); a fieldError's code is
// shown as validation.<code> (src-renderer/api/errors.ts).
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = path.resolve(__dirname, '../..')
const LOCALES = ['zh-CN', 'en-US'] as const

type Tree = { [k: string]: unknown }
const isTree = (v: unknown): v is Tree => !!v && typeof v === 'object' && !Array.isArray(v)

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : []
  })
}

/** `file → keys` of every matching literal in src-main/modules/** (and ipc/, window/, where shared errors live). */
function collect(re: RegExp, dirs = ['modules', 'ipc', 'window']): Map<string, string[]> {
  const found = new Map<string, string[]>()
  for (const file of dirs.flatMap((d) => sourceFiles(path.join(root, 'src-main', d)))) {
    const text = fs.readFileSync(file, 'utf8')
    for (const m of text.matchAll(re)) {
      const list = found.get(m[1]) ?? []
      list.push(path.relative(root, file))
      found.set(m[1], list)
    }
  }
  return found
}

// i18n keys are dotted identifiers; template literals (reminder dedup keys) do not match
const errorKeys = collect(/(?:\bkey:\s*|\bruleError\(\s*)['"]([A-Za-z_]\w*(?:\.\w+)+)['"]/g)
const fieldCodes = collect(/\bfieldError\(\s*[^,]+,\s*['"]([a-z_]+)['"]/g)

/** The merged messages of one locale, as src-renderer/locales/index.ts builds them. */
async function messages(locale: string): Promise<{ files: string[]; tree: Tree }> {
  const dir = path.join(root, 'src-renderer/locales', locale)
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()
  const tree: Tree = {}
  for (const f of files) {
    const area = f.replace(/\.ts$/, '')
    const msgs = (await import(pathToFileURL(path.join(dir, f)).href)).default as Tree
    merge(tree, area === 'common' || area === 'admin' || area in msgs ? msgs : { [area]: msgs })
  }
  return { files, tree }
}

function merge(into: Tree, from: Tree): Tree {
  for (const [k, v] of Object.entries(from)) into[k] = isTree(v) && isTree(into[k]) ? merge({ ...(into[k] as Tree) }, v) : v
  return into
}

function flatten(t: Tree, prefix = ''): string[] {
  return Object.entries(t).flatMap(([k, v]) => (isTree(v) ? flatten(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

const loaded = Object.fromEntries(await Promise.all(LOCALES.map(async (l) => [l, await messages(l)] as const)))
const keySets = Object.fromEntries(LOCALES.map((l) => [l, new Set(flatten(loaded[l].tree))]))

describe('locale keys', () => {
  it('finds the error keys in the source', () => {
    // a sanity check that the patterns still match the code
    for (const k of ['users.errors.lastAdmin', 'roles.errors.inUse', 'settings.errors.noStore', 'dictionary.errors.inUse', 'errors.db_unreachable', 'settings.dbTest.refused']) {
      expect(errorKeys.has(k), k).toBe(true)
    }
    expect(fieldCodes.has('duplicate')).toBe(true)
  })

  for (const locale of LOCALES) {
    it(`${locale} has a text for every error key the main process sends`, () => {
      const missing = [...errorKeys].filter(([k]) => !keySets[locale].has(k)).map(([k, files]) => `${k} (${[...new Set(files)].join(', ')})`)
      expect(missing).toEqual([])
    })

    it(`${locale} has a validation text for every fieldError code`, () => {
      const missing = [...fieldCodes].filter(([c]) => !keySets[locale].has(`validation.${c}`)).map(([c, files]) => `validation.${c} (${[...new Set(files)].join(', ')})`)
      expect(missing).toEqual([])
    })
  }

  it('zh-CN and en-US have the same files and exactly the same keys', () => {
    const [zh, en] = LOCALES
    expect(loaded[en].files).toEqual(loaded[zh].files)
    expect([...keySets[zh]].filter((k) => !keySets[en].has(k)), `only in ${zh}`).toEqual([])
    expect([...keySets[en]].filter((k) => !keySets[zh].has(k)), `only in ${en}`).toEqual([])
  })
})
