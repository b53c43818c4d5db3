// 竞争对手（客户卡片）— 简体中文（默认）
export default {
  competitors: {
    title: '竞争对手',
    add: '添加竞争对手',
    createTitle: '添加竞争对手',
    editTitle: '编辑竞争对手：{name}',
    totalShare: '竞争对手合计占客户采购份额 {n}%',
    fields: {
      name: '竞争对手名称',
      products: '供应产品',
      priceInfo: '价格信息',
      strengths: '优势',
      weaknesses: '劣势',
      sharePct: '采购份额（%）',
      notes: '备注',
    },
    messages: {
      created: '竞争对手已添加',
      saved: '已保存',
      deleted: '已删除',
      noChanges: '没有修改',
      confirmDelete: '确认删除竞争对手“{name}”？',
    },
    empty: {
      title: '还没有竞争对手记录',
      hint: '记录还有哪些供应商在向该客户供货、价格与优劣势，以及各自占客户采购的份额。',
      hintReadonly: '该客户还没有竞争对手记录。',
    },
    errors: {
      shareOver100: '各竞争对手的采购份额合计不能超过 100%（其他对手已占 {others}%）。',
    },
  },
  fields: {
    sharePct: '采购份额',
  },
  audit: {
    entity: {
      competitor: '竞争对手',
    },
  },
  admin: {
    audit: {
      entities: {
        competitor: '竞争对手',
      },
    },
  },
}
