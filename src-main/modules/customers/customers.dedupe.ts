// 同名客户: when two company names are "the same name". Pure, so the opportunities service,
// imports and the later 查重 work all compare names the same way.
//   full-width → half-width (ＡＢＣ１２３ → abc123, full-width space → space),
//   （ ）【 】［ ］ → ( ), then spaces and every other punctuation or symbol removed,
//   letters case-folded.
// 广州市人易软件有限公司 and 「广州市人易软件 有限公司」 are the same name; (中国) and （中国） too.

const OPEN = /[（【［〔〖｛{[]/gu
const CLOSE = /[）】］〕〗｝}\]]/gu
/** Whitespace, punctuation and symbols, except the unified brackets. */
const NOISE = /[\s\p{P}\p{S}]/gu

/** Full-width ASCII (U+FF01–FF5E) and the ideographic space to their half-width forms. */
function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ')
}

/** The comparison key of a company name ('' for a name with nothing but noise). */
export function normalizeCompanyName(name: string | null | undefined): string {
  if (!name) return ''
  const unified = toHalfWidth(name.normalize('NFKC')).replace(OPEN, '(').replace(CLOSE, ')')
  // keep ( ) while stripping the rest of the punctuation: mark them, strip, restore
  return unified
    .replace(/\(/g, '\u0001')
    .replace(/\)/g, '\u0002')
    .replace(NOISE, '')
    .replace(/\u0001/g, '(')
    .replace(/\u0002/g, ')')
    .toLowerCase()
}

export const isSameCompanyName = (a: string | null | undefined, b: string | null | undefined) => {
  const ka = normalizeCompanyName(a)
  return ka !== '' && ka === normalizeCompanyName(b)
}

/**
 * A LIKE pattern (lower-cased) every stored name with this key matches, whatever spaces or
 * punctuation it holds: the key's Chinese characters (or, without any, its letters and digits)
 * with % between them. The database narrows by it; the caller compares the keys exactly.
 */
export function sameNamePattern(key: string): string | null {
  const han = [...key].filter((c) => /\p{Script=Han}/u.test(c))
  const chars = han.length ? han : [...key].filter((c) => /[a-z0-9]/.test(c))
  return chars.length ? `%${chars.join('%')}%` : null
}
