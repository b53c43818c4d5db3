// 销售目标与业绩 — 简体中文（默认）
export default {
  menu: {
    targets: '销售目标与业绩',
  },
  validation: {
    one_of: '请只选择一位客户经理或一个团队',
    invalid_period: '{field}必须是所选周期的第一天',
  },
  targets: {
    title: '销售目标与业绩',
    subtitle: '按客户经理和团队、按月/季/年对比目标与实际（按已审批订单或按回款）',
    new: '设定目标',
    newTitle: '设定销售目标',
    editTitle: '修改销售目标',
    who: '客户经理 / 团队',
    teamRow: '{team}（团队）',
    noTarget: '未设目标',
    rate: '完成率',
    progress: '进度（按订单）',
    totalTarget: '目标合计',
    totalActual: {
      orders: '成交合计',
      payments: '回款合计',
    },
    actual: {
      orders: '实际成交',
      payments: '实际回款',
    },
    basis: {
      orders: '按订单',
      payments: '按回款',
    },
    period: {
      month: '月度',
      quarter: '季度',
      year: '年度',
      q: '第{q}季度',
    },
    kind: {
      user: '客户经理',
      team: '团队',
    },
    fields: {
      kind: '目标对象',
      userId: '客户经理',
      teamId: '团队',
      periodType: '周期',
      periodStart: '周期',
      amountCents: '目标金额',
    },
    yearTargets: '{year} 年的目标',
    empty: '这个周期没有业绩数据。',
    emptyHint: '点击“设定目标”为客户经理或团队设定月度、季度或年度目标。',
    confirmDelete: '删除 {who} 的 {period} 目标？',
    messages: {
      saved: '目标已保存',
    },
  },
}
