// 锁屏 lock screen
export default {
  title: '已锁定',
  subtitle: '为保护客户资料，屏幕已锁定。请输入密码继续。',
  passwordPlaceholder: '输入登录密码解锁',
  unlock: '解锁',
  lockNow: '锁定屏幕',
  hint: '连续输错密码会锁定账户',
  switchUser: '退出登录，切换账号',
}
