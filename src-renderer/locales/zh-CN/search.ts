// 全局搜索 global search
export default {
  title: '全局搜索',
  button: '搜索',
  placeholder: '搜索客户、联系人、销售机会、订单、服务工单：名称、拼音、首字母、编号、电话…',
  hint: '输入客户名称、联系人姓名、拼音或首字母（如 gzry）、客户、机会或订单编号（如 DD-2026-000123 或 123）、电话或手机号。',
  noneTitle: '没有找到匹配的记录',
  noneText: '没有与“{term}”匹配、且您有权查看的记录。试试更短的关键字、拼音首字母或电话号码。',
  keys: '↑↓ 选择 · Enter 打开 · Esc 关闭',
  kinds: { customer: '客户', contact: '联系人', opportunity: '销售机会', order: '订单', ticket: '服务工单' },
  fields: { name: '名称', pinyin: '拼音', code: '编号', phone: '电话', other: '联系人' },
}
