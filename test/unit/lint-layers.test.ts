// The layering rules of eslint.config.mjs catch what they are meant to (each sample breaks
// one rule and must be reported; a correct sample must not).
import { describe, expect, it } from 'vitest'
import { ESLint } from 'eslint'

const eslint = new ESLint({ cwd: process.cwd() })

async function problems(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: file })
  return r.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`)
}

describe('lint: layers', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['contract imports only zod', 'src-main/contract/x.ts', "import knex from 'knex'\nexport const a = knex", /contract imports only zod/],
    ['contract reaches no other folder', 'src-main/contract/x.ts', "import { AppError } from '../shared/errors'\nexport const a = AppError", /contract imports only zod/],
    ['shared imports no db', 'src-main/shared/x.ts', "import { newId } from '../db/ids'\nexport const a = newId", /do not import db/],
    ['modules never import ipc', 'src-main/modules/customers/x.ts', "import { dispatch } from '../../ipc/dispatch'\nexport const a = dispatch", /do not import ipc/],
    ['modules never import app', 'src-main/modules/customers/x.ts', "import { openApp } from '../../app/bootstrap'\nexport const a = openApp", /do not import app/],
    ['another module only through its service', 'src-main/modules/contacts/contacts.service.ts', "import { findCustomer } from '../customers/customers.repository'\nexport const a = findCustomer", /through its service/],
    ['no knex call in a service', 'src-main/modules/customers/customers.service.ts', "export const f = (trx: any) => trx('customers').first()", /knex queries live in repositories/],
    ['no query building in a service', 'src-main/modules/customers/customers.service.ts', 'export const f = (q: any) => q.whereIn("id", [1])', /query building lives in repositories/],
    ['db never imports modules', 'src-main/db/x.ts', "import { can } from '../modules/auth/permissions'\nexport const a = can", /do not import modules/],
    ['Electron stays out of modules', 'src-main/modules/customers/x.ts', "import { app } from 'electron'\nexport const a = app", /Electron only/],
    ['renderer imports only the contract', 'src-renderer/stores/x.ts', "import { newId } from '../../src-main/db/ids'\nexport const a = newId", /only the contract/],
    ['components/ never import views/', 'src-renderer/components/X.ts', "import A from '../views/customers/ContactsTab.vue'\nexport const a = A", /area-free/],
    ['views never import router/index', 'src-renderer/views/auth/X.ts', "import { router } from '../../router'\nexport const a = router", /cycle/],
  ]
  for (const [name, file, code, expected] of cases) {
    it(name, async () => {
      const found = await problems(file, code)
      expect(found.some((p) => expected.test(p)), found.join('\n') || 'no problem reported').toBe(true)
    })
  }

  it('a service calling its own repository and another service passes', async () => {
    const code = "import { findCustomer } from './customers.repository'\nimport { assertDictRefs } from '../dictionary/dictionary.service'\nexport const f = (k: any) => findCustomer(k, 'x').then(() => assertDictRefs)"
    expect(await problems('src-main/modules/customers/customers.service.ts', code)).toEqual([])
  })
})
