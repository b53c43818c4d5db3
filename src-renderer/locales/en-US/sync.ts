// 离线同步 offline sync: reasons and states the sync sends (status bar and 同步详情 use them)
export default {
  noCache: 'This computer has no offline cache yet: sync once while online',
  otherUser: "This client folder holds another user's cache; use a new folder for the current user",
  needLogin: 'The first sync needs a login',
  keptOnDeletedCustomer: 'The customer was deleted centrally: the offline note is kept on the deleted customer for a supervisor to review',
  heldNewerSchema: 'Made by a newer client version: held until the central database is upgraded (not lost)',
  heldUnknownOperation: 'The central database does not know this operation: held (not lost)',
}
