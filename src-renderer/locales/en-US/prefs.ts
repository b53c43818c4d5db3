// 偏好设置 preferences
export default {
  title: 'Preferences',
  ownMinutes: 'Lock the screen after this much inactivity',
  useDefault: 'Default ({minutes} minutes)',
  minutes: '{n} minutes',
  inForce: 'In force: {n} minutes',
  maximum: 'at most {n} minutes (set by the administrator)',
  startAtLogin: 'Start when I log in to the computer',
  policy: 'Lock policy (all users)',
  defaultMinutes: 'Default idle time (minutes)',
  limit: 'Limit the idle time',
  lockOnSleep: 'Lock when the computer sleeps or locks',
  lockOnSleepHelp: 'desktop app only',
}
