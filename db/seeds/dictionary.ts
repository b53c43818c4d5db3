// The data dictionary seeded from DOMAIN.md (系统设置 → 系统字典). Seeding inserts only
// missing types and, for a new type, its items; the admin's edits are never overwritten.
export interface SeedDictType {
  code: string
  name: string
  nameEn: string
  hasCycle?: boolean
  items: Array<[label: string, labelEn: string, cycleDays?: number | null, probability?: number]>
}

export const seedDictionary: SeedDictType[] = [
  { code: 'region', name: '所属区域', nameEn: 'Region', items: [['华南', 'South China'], ['华东', 'East China'], ['华中', 'Central China'], ['华北', 'North China'], ['西南', 'Southwest'], ['西北', 'Northwest'], ['东北', 'Northeast'], ['港澳台', 'HK/Macau/Taiwan'], ['海外', 'Overseas']] },
  { code: 'nature', name: '客户性质', nameEn: 'Ownership', items: [['国有企业', 'State-owned'], ['中外合资', 'Sino-foreign JV'], ['私营或个体户', 'Private / sole trader'], ['合伙企业', 'Partnership'], ['外商独资', 'Wholly foreign-owned'], ['事业单位', 'Public institution'], ['政府机关', 'Government']] },
  { code: 'source', name: '客户来源', nameEn: 'Source', items: [['网站广告', 'Web ads'], ['展览会', 'Trade fair'], ['客户推荐', 'Customer referral'], ['电话', 'Phone'], ['邮件', 'E-mail'], ['报刊广告', 'Print ads'], ['黄页', 'Yellow pages'], ['朋友介绍', 'Friend'], ['市场活动', 'Marketing event'], ['业务人员开发', 'Sales prospecting'], ['合作伙伴开发', 'Partner']] },
  { code: 'category', name: '客户类别', nameEn: 'Category', items: [['潜在终端客户', 'Prospective end customer'], ['潜在代理', 'Prospective agent'], ['现有终端客户', 'Current end customer'], ['现有代理', 'Current agent'], ['流失终端客户', 'Lost end customer'], ['流失代理', 'Lost agent']] },
  { code: 'industry', name: '所属行业', nameEn: 'Industry', items: [['教育', 'Education'], ['医疗卫生', 'Healthcare'], ['政府', 'Government'], ['化工', 'Chemicals'], ['制造业', 'Manufacturing'], ['电子', 'Electronics'], ['能源', 'Energy'], ['金融', 'Finance'], ['零售', 'Retail'], ['建筑', 'Construction'], ['交通物流', 'Logistics'], ['信息技术', 'IT'], ['其他', 'Other']] },
  { code: 'size', name: '规模', nameEn: 'Size', items: [['大型', 'Large'], ['中型', 'Medium'], ['小型', 'Small'], ['微型', 'Micro']] },
  { code: 'position', name: '行业地位', nameEn: 'Industry position', items: [['领导者', 'Leader'], ['较有影响', 'Influential'], ['影响一般', 'Average'], ['没有影响力', 'No influence']] },
  { code: 'settlement', name: '结算方式', nameEn: 'Settlement terms', items: [['现款现货', 'Cash on delivery'], ['一个月回款', '30 days'], ['票到付款', 'On invoice'], ['2个月回款', '60 days'], ['3个月回款', '90 days']] },
  { code: 'contact_policy', name: '联系策略', nameEn: 'Contact policy', hasCycle: true, items: [['每周联系', 'Weekly', 7], ['每两周联系', 'Every two weeks', 14], ['每月联系', 'Monthly', 30], ['每季度联系', 'Quarterly', 90]] },
  { code: 'purchase_policy', name: '购买策略', nameEn: 'Purchase policy', hasCycle: true, items: [['每月采购', 'Monthly', 30], ['每季度采购', 'Quarterly', 90], ['每半年采购', 'Half-yearly', 180], ['每年采购', 'Yearly', 365]] },
  { code: 'level', name: '客户等级', nameEn: 'Customer level', items: [['核心客户', 'Key'], ['重要客户', 'Important'], ['普通客户', 'Ordinary']] },
  { code: 'interaction_channel', name: '交往方式', nameEn: 'Interaction channel', items: [['电话', 'Phone'], ['拜访', 'Visit'], ['邮件', 'E-mail'], ['微信', 'WeChat'], ['短信', 'SMS'], ['会议', 'Meeting'], ['信件/明信片', 'Letter/postcard'], ['礼品', 'Gift'], ['客户活动', 'Customer event']] },
  { code: 'opportunity_source', name: '机会来源', nameEn: 'Opportunity source', items: [['老客户', 'Existing customer'], ['客户推荐', 'Referral'], ['网站', 'Website'], ['展会', 'Trade fair'], ['电话营销', 'Telemarketing'], ['合作伙伴', 'Partner'], ['其他', 'Other']] },
  // each stage carries its default 成功机率 (chosen with the stage unless the user typed one)
  { code: 'opportunity_stage', name: '销售阶段', nameEn: 'Sales stage', items: [['初步接洽', 'Initial contact', null, 10], ['需求确认', 'Needs confirmed', null, 30], ['方案报价', 'Proposal/quote', null, 50], ['商务谈判', 'Negotiation', null, 70], ['签约', 'Contract', null, 90]] },
  { code: 'opportunity_lost_reason', name: '失败原因', nameEn: 'Loss reason', items: [['价格过高', 'Price too high'], ['选择了竞争对手', 'Chose a competitor'], ['需求取消或搁置', 'Need cancelled or postponed'], ['预算不足', 'No budget'], ['产品不满足需求', 'Product does not fit'], ['联系不上客户', 'Customer unreachable'], ['其他', 'Other']] },
  { code: 'service_type', name: '服务类型', nameEn: 'Service type', items: [['咨询', 'Consultation'], ['建议', 'Suggestion'], ['投诉', 'Complaint'], ['维修', 'Repair'], ['其他', 'Other']] },
  { code: 'churn_reason', name: '流失原因', nameEn: 'Churn reason', items: [['价格因素', 'Price'], ['产品质量', 'Product quality'], ['服务不满意', 'Service'], ['被竞争对手抢走', 'Lost to competitor'], ['客户业务变化', 'Business change'], ['客户倒闭', 'Went out of business'], ['其他', 'Other']] },
  // 客户需求单 评议: the departments asked whether a requirement is feasible (configurable)
  { code: 'review_department', name: '评议部门', nameEn: 'Review department', items: [['质量部', 'Quality'], ['生产部', 'Production'], ['采购部', 'Purchasing']] },
  { code: 'product_category', name: '产品类别', nameEn: 'Product category', items: [['硬件设备', 'Hardware'], ['软件产品', 'Software'], ['配件耗材', 'Parts and consumables'], ['技术服务', 'Technical services'], ['其他', 'Other']] },
  { code: 'payment_method', name: '回款方式', nameEn: 'Payment method', items: [['银行转账', 'Bank transfer'], ['承兑汇票', 'Bank acceptance bill'], ['支票', 'Cheque'], ['现金', 'Cash'], ['微信/支付宝', 'WeChat Pay / Alipay'], ['其他', 'Other']] },
]
