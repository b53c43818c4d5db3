// 客户流失管理 — 简体中文（默认）
export default {
  menu: {
    churn: '客户流失',
  },
  churn: {
    title: '客户流失管理',
    subtitle: '超过购买策略周期未下单的客户（无购买策略按 180 天）自动生成流失预警；负责人记录暂缓措施或确认流失',
    runCheck: '立即检查',
    checking: '正在检查…',
    checked: '检查完成：新增 {opened} 条预警，关闭 {closed} 条',
    searchPlaceholder: '搜索客户名称或编号',
    resetFilters: '清除筛选',
    open: '处理',
    detailTitle: '流失预警 · {name}',
    openCustomer: '打开客户卡片',
    never: '从未下单',
    daysSince: '{n} 天未下单',
    cycle: '周期 {n} 天',
    statuses: {
      open: '流失预警',
      paused: '暂缓流失',
      confirmed: '已流失',
      closed: '已解除',
    },
    fields: {
      customerName: '客户',
      customerCode: '客户编号',
      regionId: '区域',
      ownerName: '负责人',
      ownerId: '负责人',
      status: '状态',
      lastOrderDate: '最近交易',
      cycleDays: '购买周期',
      detectedAt: '预警时间',
      measureCount: '暂缓措施',
      lastMeasureDate: '最近措施',
      reasonId: '流失原因',
      reasonText: '原因说明',
      confirmedAt: '确认时间',
      confirmedByName: '确认人',
      closedAt: '解除时间',
      measureDate: '措施日期',
      content: '措施内容',
      measure: '暂缓措施',
      closedReason: '解除原因',
    },
    closedReasons: {
      order: '客户重新下单',
    },
    measures: {
      title: '暂缓措施',
      add: '记录暂缓措施',
      added: '暂缓措施已记录，客户状态为暂缓流失',
      empty: '还没有暂缓措施。记录拜访、优惠、回访等挽回措施后，预警转为“暂缓流失”。',
      placeholder: '采取了什么挽回措施，客户反应如何',
    },
    confirm: {
      action: '确认流失',
      title: '确认客户流失',
      hint: '确认后客户类别改为对应的流失类别（终端客户 → 流失终端客户，代理 → 流失代理），状态改为“已流失”。',
      done: '已确认流失，客户类别已改为流失类别',
      reasonPlaceholder: '补充说明（可选）',
    },
    banner: {
      open: '流失预警：该客户 {since}，已超过购买周期 {cycle} 天。',
      paused: '暂缓流失：已采取 {n} 项挽回措施（最近 {date}）。',
      confirmed: '已流失：{reason}（{date} 确认）。',
      handle: '处理预警',
      view: '查看',
    },
    empty: {
      noneTitle: '没有流失预警',
      noneHint: '每天自动检查一次：超过购买周期未下单的客户会出现在这里。',
      noMatchTitle: '没有符合条件的预警',
      noMatchHint: '换个关键字，或清除筛选条件。',
    },
    errors: {
      illegalTransition: '该预警当前为“{status}”，不能再“{action}”。请刷新后查看。',
    },
  },
  fields: {
    measureDate: '措施日期',
    reasonId: '流失原因',
    customerStatus: '客户状态',
  },
  audit: {
    entity: {
      churn_warning: '流失预警',
    },
  },
  admin: {
    audit: {
      entities: {
        churn_warning: '流失预警',
      },
    },
  },
}
