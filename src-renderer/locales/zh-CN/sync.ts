// 离线同步 offline sync: reasons and states the sync sends (status bar and 同步详情 use them)
export default {
  noCache: '本机还没有离线缓存：请先在联网时同步一次',
  otherUser: '此客户端目录保存的是其他用户的缓存，请为当前用户使用新的目录',
  needLogin: '首次同步需要指定登录账号',
  keptOnDeletedCustomer: '该客户已在中央数据库中被删除：离线记录已保留在已删除客户名下，由主管复核',
  heldNewerSchema: '此更改来自较新版本的客户端，中央数据库升级后再提交（不会丢失）',
  heldUnknownOperation: '中央数据库不认识此操作，暂存待提交（不会丢失）',
}
