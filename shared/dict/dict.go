// Package dict is the one dictionary of what people see for the codes and
// field names the API uses: the Chinese label of each JSON field (so that
// an error says "请填写原因", not "reason为必填字段") and the Chinese name
// of each code (skills, volunteer types, statuses…). The API's error
// messages read it, and GET /api/dict serves it to the console and the
// phone pages, so every screen shows the same words.
package dict

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Fields are the Chinese labels of JSON field names.
var Fields = map[string]string{
	"address": "地址", "agreement": "照护协议", "amount": "金额", "approver": "批准人", "area": "区域", "assignee": "承办人",
	"assignment": "照护对象", "at": "时间", "availability": "可服务时间", "body": "请求内容", "call": "招募公告", "cap": "上限",
	"capacity": "人数上限", "cardCode": "探访码", "cardWrong": "探访码错误", "care": "照护", "carer": "护理员", "category": "类别",
	"checklist": "探访清单", "children": "子女情况", "closes": "截止日期", "code": "代码", "concern": "反映的问题", "condition": "状况",
	"conditions": "状况", "consent": "同意", "consentNote": "同意说明", "consentVersion": "同意书版本", "contact": "联系方式", "contactName": "联系人姓名",
	"contactPhone": "联系电话", "contacts": "联系人", "count": "数量", "county": "县(区)", "date": "日期", "day": "星期",
	"deadline": "期限", "decision": "结论", "dependency": "生活照料需求", "description": "说明", "detail": "详情",
	"disabilityLevel": "失能等级", "donorKind": "捐赠方类型", "elder": "老人", "elders": "老人", "elderName": "老人姓名", "volunteerName": "志愿者姓名", "openedAt": "开启时间", "createdAt": "登记时间", "experience": "志愿服务经历",
	"farKm": "距离提醒(公里)", "file": "文件", "from": "开始", "givenBy": "提供人", "grantor": "授予(评价)单位", "handler": "经办人", "issuer": "出具单位", "noticeDays": "公示天数", "part": "记录部分", "period": "评价期间", "principal": "单位负责人", "ref": "所涉记录", "health": "健康状况", "home": "居住情况",
	"hoursPerMonth": "每月可服务小时", "how": "方式", "id": "编号", "idNumber": "身份证号", "item": "项目", "items": "项目",
	"jointVisit": "共同探访", "key": "标识", "keyVillage": "重点村", "kind": "类型", "kinds": "类型", "label": "名称", "lat": "纬度", "limit": "每页条数",
	"lon": "经度", "method": "方式", "minDays": "最少天数", "minutes": "分钟数", "mode": "方式", "month": "月份",
	"motivation": "报名动机", "name": "姓名", "need": "需求", "note": "备注", "notes": "备注", "offset": "起始位置",
	"opens": "开始日期", "org": "单位", "owner": "负责人", "ownerPhone": "负责人电话", "parent": "上级区划", "partnerId": "合作单位",
	"password": "密码", "perKm": "每公里", "perMonth": "每月探访次数", "perVillage": "每村户数", "personName": "被照护人姓名",
	"phone": "手机号", "photo": "照片", "photos": "照片", "place": "地点", "policy": "结对规则", "povertyNo": "贫困户编号",
	"preference": "偏好", "preferences": "偏好", "promised": "承诺", "psychological": "精神慰藉需求", "purpose": "用途",
	"quota": "名额", "quotas": "名额", "rate": "标准", "reason": "原因", "region": "区域", "relation": "关系",
	"relayLimitDays": "接力时限(天)", "result": "结果", "risks": "风险提示", "role": "角色", "scope": "范围", "scores": "评分",
	"seed": "抽签种子", "selfCare": "自理能力", "silentDays": "沉默天数", "size": "规模", "unfilled": "空缺", "skills": "特长", "slot": "结对名额",
	"slots": "结对名额", "sourceKind": "来源", "sourceOrg": "来源单位", "standing": "政治面貌与品行", "startDate": "开始日期",
	"status": "状态", "text": "内容", "time": "时间", "title": "标题", "to": "结束", "topic": "主题", "total": "合计",
	"trainer": "主讲人", "type": "类型", "undoneReason": "未完成原因", "username": "用户名", "value": "值", "version": "版本",
	"village": "村(社区)", "villages": "村数", "volunteer": "志愿者", "volunteerIds": "志愿者", "whatWorked": "有效做法",
	"wish": "心愿", "with": "对方", "withinKm": "距离(公里)",
}

// Skills are rule V4's skills in the order forms list them, each code with
// its Chinese name (SOURCE.md: 按摩理疗、戏曲表演、家电维修、理发…): the one
// list the validation tag `skill`, the forms, the pairing and the demo read.
var Skills = [][2]string{
	{"massage", "按摩理疗"}, {"opera", "戏曲表演"}, {"repair", "家电维修"}, {"haircut", "理发"},
	{"cooking", "做饭"}, {"medical", "医疗"}, {"counselling", "心理疏导"}, {"house", "房屋修缮"},
}

// SkillCodes returns the skill codes in order.
func SkillCodes() []string {
	out := make([]string, len(Skills))
	for i, s := range Skills {
		out[i] = s[0]
	}
	return out
}

func skillNames() map[string]string {
	m := make(map[string]string, len(Skills))
	for _, s := range Skills {
		m[s[0]] = s[1]
	}
	return m
}

// Codes are the Chinese names of codes, by group.
var Codes = map[string]map[string]string{
	"skill":            skillNames(),
	"volunteerType":    {"neighbour": "邻里志愿者", "urban": "城市志愿者", "group": "青年团队", "doctor": "青年医生", "psychologist": "心理咨询师", "other": "其他", "any": "不限"},
	"sourceKind":       {"university": "高校", "social_org": "社会组织", "individual": "个人", "family": "志愿家庭"},
	"elderStatus":      {"pending": "待入册", "rejected": "未通过", "active": "在册", "moved": "已迁出", "hospitalised": "住院", "centralised": "集中供养", "deceased": "已去世", "left": "已退出"},
	"stage":            {"proposed": "乡镇已上报", "approved": "县级已审核", "confirmed": "村级已确认"},
	"volunteerState":   {"paused": "暂停"},
	"role":             {"organizer": "组织者", "supervisor": "督导员", "admin": "管理员"},
	"personKind":       {"volunteer": "志愿者", "carer": "护理员"},
	"decision":         {"accept": "录用", "reject": "不录用", "waitlist": "候补"},
	"elderReply":       {"not_confirmed": "未确认", "unreachable": "联系不上"},
	"policy":           {"default": "默认规则", "liaocheng": "聊城做法", "yutai": "鱼台做法", "custom": "自定义"},
	"rulePin":          {"pin": "指定结对", "forbid": "禁止结对"},
	"drawMode":         {"fujin": "富锦抽查法", "risk": "按风险抽查"},
	"checkMethod":      {"phone": "电话回访", "visit": "上门回访"},
	"problem":          {"visit_unconfirmed": "探访未获确认", "service": "服务质量", "elder_need": "老人需求", "safety": "安全隐患", "records": "记录不实"},
	"wishKind":         {"coat": "棉衣", "heater": "取暖器", "glasses": "老花镜", "daily": "生活用品"},
	"donorKind":        {"person": "个人", "company": "企业", "league": "团组织"},
	"consentWay":       {"form": "书面同意书", "sms": "短信同意"},
	"subsidyMode":      {"fixed": "固定金额", "daily": "按天计算"},
	"needLevel":        {"basic": "基本", "health": "健康"},
	"callMode":         {"apply": "报名", "status": "状态"},
	"smsKind":          {"otp": "验证码", "pairing": "结对通知", "reminder": "探访提醒", "recruit": "招募通知", "confirm": "探访确认", "family": "家属通知", "relay": "接力通知", "supervise": "督导回访"},
	"smsStatus":        {"queued": "排队中", "outbox": "发件箱", "sent": "已发送", "delivered": "已送达", "failed": "失败", "undelivered": "未送达"},
	"recordPart":       {"basic": "基本信息", "service": "服务信息", "training": "培训信息", "award": "表彰奖励", "evaluation": "评价信息"},
	"correctionStatus": {"pending": "待处理", "accepted": "已采纳", "refused": "未采纳"},
	"certStatus":       {"notice": "公示中", "effective": "已生效", "withdrawn": "已撤销"},
	"jobState":         {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"},
	"jobKind":          {"ledger-rebuild": "重算统计", "visit-plan": "制定探访计划"},
	"visitStatus":      {"planned": "待探访", "offered": "搭档退回", "checked_in": "已签到", "done": "已完成", "missed": "已逾期", "cancelled": "已取消"},
}

// groupNames are the groups in a fixed order, so that a code in two
// groups ("daily") always reads the same when no group is given.
var groupNames = func() []string {
	out := make([]string, 0, len(Codes))
	for g := range Codes {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}()

// Name is the Chinese name of code, looked up in every group; a code that
// is already Chinese, or unknown, is returned as it is.
func Name(code string) string {
	for _, g := range groupNames {
		if n, ok := Codes[g][code]; ok {
			return n
		}
	}
	return code
}

// Names gives the Chinese names of a set of codes that belong together
// (the allowed values of one field): from the one group holding them all
// when there is one, else each by Name.
func Names(codes []string) []string {
	out := make([]string, len(codes))
	for _, g := range groupNames {
		all := true
		for i, c := range codes {
			n, ok := Codes[g][c]
			if !ok && !chinese(c) {
				all = false
				break
			}
			if ok {
				out[i] = n
			} else {
				out[i] = c
			}
		}
		if all {
			return out
		}
	}
	for i, c := range codes {
		out[i] = Name(c)
	}
	return out
}

func chinese(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

var index = regexp.MustCompile(`\[\d+\]`)

// Label is the Chinese label of a JSON field path ("contacts[0].phone" →
// "联系人第 1 项的手机号"); an unknown name gives "该项".
func Label(path string) string {
	parts := strings.Split(path, ".")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		name := index.ReplaceAllString(p, "")
		l, ok := Fields[name]
		if !ok {
			l = "该项"
		}
		if m := index.FindString(p); m != "" {
			n, _ := strconv.Atoi(m[1 : len(m)-1])
			l += "第 " + strconv.Itoa(n+1) + " 项"
		}
		out = append(out, l)
	}
	return strings.Join(out, "的")
}
