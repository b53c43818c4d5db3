// 偏好设置 preferences
export default {
  title: '偏好设置',
  ownMinutes: '无操作多久后自动锁屏',
  useDefault: '使用默认（{minutes} 分钟）',
  minutes: '{n} 分钟',
  inForce: '当前生效：{n} 分钟',
  maximum: '管理员规定最长 {n} 分钟',
  startAtLogin: '开机时自动启动',
  policy: '锁屏策略（所有用户）',
  defaultMinutes: '默认锁屏时间（分钟）',
  limit: '限制最长锁屏时间',
  lockOnSleep: '电脑睡眠或锁屏时锁定',
  lockOnSleepHelp: '仅桌面版',
}
