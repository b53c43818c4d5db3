// 锁屏 lock screen
export default {
  title: 'Locked',
  subtitle: 'The screen is locked to protect customer data. Enter your password to continue.',
  passwordPlaceholder: 'Your login password',
  unlock: 'Unlock',
  lockNow: 'Lock screen',
  hint: 'Repeated wrong passwords lock the account',
  switchUser: 'Log out and switch user',
}
