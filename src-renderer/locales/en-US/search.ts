// 全局搜索 global search
export default {
  title: 'Global search',
  button: 'Search',
  placeholder: 'Customers, contacts, opportunities, orders, tickets: name, pinyin, initials, code, phone…',
  hint: 'Type a customer or contact name, its pinyin or initials (e.g. gzry), a customer, opportunity or order number (e.g. DD-2026-000123 or 123), a phone or mobile number.',
  noneTitle: 'Nothing found',
  noneText: 'No record you may see matches “{term}”. Try a shorter word, pinyin initials or a phone number.',
  keys: '↑↓ select · Enter open · Esc close',
  kinds: { customer: 'Customers', contact: 'Contacts', opportunity: 'Opportunities', order: 'Orders', ticket: 'Service tickets' },
  fields: { name: 'Name', pinyin: 'Pinyin', code: 'Code', phone: 'Phone', other: 'Contact' },
}
