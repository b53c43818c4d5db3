// 关于 about and diagnostics
export default {
  title: '关于',
  version: '版本',
  database: '数据库',
  dataDir: '数据文件夹',
  runtime: '运行环境',
  platform: '操作系统',
  copyDiagnostics: '复制诊断信息',
  copied: '诊断信息已复制到剪贴板（不含密码和客户资料）',
}
