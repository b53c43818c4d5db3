// 关于 about and diagnostics
export default {
  title: 'About',
  version: 'Version',
  database: 'Database',
  dataDir: 'Data folder',
  runtime: 'Runtime',
  platform: 'Operating system',
  copyDiagnostics: 'Copy diagnostics',
  copied: 'Diagnostics copied to the clipboard (no passwords, no customer data)',
}
