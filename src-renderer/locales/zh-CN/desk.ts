// 跟进工作台（日程、今日需联系客户的分组、个人设置、删除确认、操作日志）— 简体中文（默认）
// Keys merge into their namespaces (menu, reminders, customers …) with the other area files.
export default {
  desk: {
    name: '跟进工作台',
  },
  menu: {
    calendar: '日程',
  },
  calendar: {
    title: '日程',
    subtitle: '按日、周、月查看提醒与计划跟进；点日期查看当天全部事项',
    previous: '上一段',
    next: '下一段',
    today: '今天',
    includeDone: '含已完成',
    mine: '我的日程',
    modes: { day: '日', week: '周', month: '月' },
    openDay: '查看 {date} 的全部事项',
    overdueCount: '逾期 {n}',
    more: '+{n} 更多',
    time: '时间',
    customer: '客户 / 联系人',
    doneTag: '已完成',
    emptyDay: '这一天没有提醒或计划的跟进。在交往记录中填写“下次跟进”，或在待办中心新建提醒。',
  },
  preferences: {
    title: '个人设置',
    saved: '个人设置已保存，未完成的系统提醒已按新的上班时间调整',
    workHour: '上班时间',
    defaultHour: '默认（系统设置，通常 09:00）',
    workHourHint: '联系策略、购买策略、生日和承诺等只有日期的系统提醒，会在这一时刻到期。',
    timeZone: '时区',
    defaultZone: '默认（系统设置的时区）',
    thisComputer: '{zone}（本机）',
  },
  reminders: {
    notify: {
      summaryTitle: '{n} 条待办提醒',
      summary: '已逾期 {overdue} 条，今天到期 {today} 条。点击打开待办中心',
      andMore: '…另有 {n} 条刚到期',
    },
    toContact: {
      groupsLabel: '按紧急程度筛选',
      groups: { today: '今天', week: '逾期1–7天', month: '8–30天', older: '30天以上' },
      groupTitles: { today: '今天到期', week: '逾期 1–7 天', month: '逾期 8–30 天', older: '逾期 30 天以上' },
      emptyGroup: '这一组没有客户。点击已选中的分组可查看全部。',
    },
    recordPrompt: {
      title: '已完成',
      text: '要现在记下与“{customer}”的这次联系吗？',
      record: '写交往记录',
      later: '以后再说',
    },
  },
  removal: {
    goes: '将一并删除：{list}。',
    nothing: '该客户没有联系人、交往记录或未完成的提醒。',
    kept: '与其相关的 {n} 条交往记录会保留。',
    sep: '、',
    parts: {
      contacts: '{n} 个联系人',
      interactions: '{n} 条交往记录',
      promises: '{n} 条承诺',
      attachments: '{n} 个附件',
      reminders: '{n} 条未完成的提醒',
    },
  },
  customers: {
    messages: {
      confirmDeleteNamed: '确认删除客户“{name}”？',
    },
  },
  contacts: {
    messages: {
      confirmDeleteNamed: '确认删除联系人“{name}”？',
    },
  },
  interactions: {
    messages: {
      confirmDeleteNamed: '确认删除交往记录“{subject}”？',
    },
  },
  admin: {
    roles: {
      coming: '即将推出',
      comingHint: '该模块正在开发中：现在可以预先授权，模块上线后生效。',
      comingActionHint: '带 * 的操作尚无对应功能（审批、导入、导出即将推出），可预先授权。',
    },
  },
  validation: {
    range_days: '日期范围最多 6 周',
  },
}
