/**
 * The synonym groups every knowledge base starts with (the company adds its own in
 * `synonyms.txt`; the format is in synonyms.ts). They are the everyday ways customers word the
 * same request in Chinese and English support: when (`什么时候 / 几号`), why, "can't", open and
 * close, pay back and pay off, raise and lower, refund, log in, delivery, broken…
 *
 * Written from general support vocabulary, not from any one company's products: brand and product
 * names belong in the company's own file. Groups are narrow on purpose (`还款` repay and `还清`
 * pay off are two groups, `多久` how long and `什么时候` when are two): a group that is too wide
 * makes different questions look the same, which is worse than missing a paraphrase.
 */
export const BUILTIN_SYNONYMS = `
# when
什么时候, 何时, 几时, 哪天, 哪一天, 几号, 啥时候
# how long
多久, 多长时间, 多少天, 几天, 多长
# why
为什么, 为何, 为啥, 怎么回事, 什么原因, 啥原因, 咋回事, 咋了
# cannot
不能, 无法, 不了, 不可以, 没法, 没办法, 用不了, 不行, 不能用
# open / enable
开通, 开启, 打开, 启用, 激活, 申请开通
# close / cancel
关闭, 关掉, 关了, 取消, 停用, 解除, 注销, 撤销, 终止, 退订
# unbind
解绑, 解除绑定, 取消绑定, 解除关联
# bind
绑定, 关联, 绑卡
# pay off
还清, 还完, 还上, 付清, 结清, 全部还款, 还光, 全额还款
# repay
还款, 还钱, 偿还, 归还, 还账
# raise
提高, 提升, 增加, 上调, 调高, 涨, 提额, 增额
# lower
降低, 下降, 减少, 下调, 调低, 降, 降额
# look up
查询, 查看, 查到, 查找, 在哪看, 在哪里看
# change
修改, 更改, 变更, 更换, 改成, 换成, 改变, 调整
# arrive (money)
到账, 到帐, 入账, 收到钱
# deduct
扣款, 扣钱, 扣费, 扣除, 划扣, 扣了
# pay
支付, 付款, 付钱, 买单, 结账, 结算
# refund
退款, 退钱, 退回, 返还, 退还, 退费
# return goods
退货, 寄回, 退换
# exchange
换货, 调换
# delete
删除, 删掉, 清除
# log in
登录, 登陆, 登入
# register
注册, 开户
# password
忘记密码, 密码忘了, 找回密码, 重置密码
# borrow
借款, 借钱, 贷款, 借贷, 借了
# apply
申请, 办理
# credit limit
额度, 限额, 可用额度, 信用额度
# overdue
逾期, 超期, 逾期未还, 晚还, 拖欠
# instalments
分期, 分期付款, 分期还款
# fee
手续费, 服务费, 费用, 收费
# interest
利息, 利率, 息费
# bill
账单, 帐单, 对账单
# account
账号, 账户, 帐号, 帐户
# phone number
手机号, 手机号码, 电话号码
# bank card
银行卡, 储蓄卡, 借记卡
# customer
顾客, 客户, 买家, 客人
# merchant
商家, 卖家, 商户, 店家, 店铺
# credit score
信用分, 信用评分, 信用积分
# shipping
发货, 寄出, 出库
# delivery
快递, 物流, 包裹, 配送
# received goods
到货, 送达, 签收, 收货
# warranty
保修, 质保, 保修期, 质保期
# repair
维修, 修理, 报修
# invoice
发票, 开票
# price
价格, 价钱, 多少钱
# person
人工, 人工客服, 转人工, 真人
# broken
坏了, 损坏, 故障, 不工作, 出问题
# address
地址, 收货地址
# withdraw
提现, 取现, 转出
# top up
充值, 充钱, 存钱, 存入, 转入
# early
提前, 提早
# restore
恢复, 重新开通, 重新开启, 恢复使用, 重新使用
# freeze
冻结, 封号, 封禁, 锁定, 被限制, 限制
# unfreeze
解冻, 解封, 解锁, 解除限制
# fail
失败, 不成功, 没成功
# by mistake
错了, 弄错, 搞错, 输错, 填错, 付错, 充错, 转错, 不小心
# not received
没收到, 未收到, 收不到, 没有收到
# verification code
验证码, 校验码, 动态码, 短信码
# coupon
优惠券, 代金券, 红包, 折扣券
# shipping fee
运费, 邮费, 快递费
# out of stock
缺货, 没货, 断货, 无货
# verify identity
认证, 验证, 实名, 核实
# ID
身份证, 证件
# minimum
最低, 最少
# maximum
最高, 最多, 上限
# all
全部, 全额, 所有
# affects
影响, 有关, 有关系, 相关
# transfer money
转账, 汇款, 打款, 转钱
# receive payment
收款, 收钱
# order
订单, 单子
# buy
购买, 下单, 买了, 购物, 消费
# refund
refund, money back, reimburse, reimbursement
# cancel
cancel, unsubscribe
# log in
log in, login, sign in, signin
# sign up
sign up, signup, register, create an account
# forgotten password
forgot password, forgotten password, reset password, password reset, lost password
# delivery
delivery, shipping, shipment
# parcel
package, parcel
# broken
broken, damaged, defective, faulty
# phone number
phone number, mobile number, cell number
# coupon
coupon, voucher, promo code, discount code
`;
