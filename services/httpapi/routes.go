package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"jinhui/services/access"
	"jinhui/services/auth"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
)

var errUnauthorized = apperr.New(apperr.Unauthorized, "请先登录")

// route is one entry of the table: what Fiber registers and what the
// OpenAPI document says about it.
type route struct {
	method  string
	path    string
	tag     string
	summary string
	who     access.Rule // who may call it: checked before the handler, documented in OpenAPI as x-roles
	body    any         // JSON request body prototype, or nil
	query   []string    // query parameters
	upload  bool        // multipart file upload ("file")
	binary  string      // content type of a non-JSON response
	resp    any         // JSON response prototype, or nil
	// accepted is the 202 response of ?background=1: the job started in
	// place of the synchronous run (issue 14), or nil.
	accepted any
	h        fiber.Handler
}

type tokenResp struct {
	Token     string           `json:"token"`
	Principal access.Principal `json:"principal"`
}

type loginReq struct {
	Username string `json:"username" validate:"required,max=64"`
	Password string `json:"password" validate:"required,max=128" textnorm:"keep"`
}

type codeReq struct {
	Phone string `json:"phone" validate:"required,max=32"`
}

type verifyReq struct {
	Phone string `json:"phone" validate:"required,max=32"`
	Code  string `json:"code" validate:"required,len=6,numeric"`
	Kind  string `json:"kind,omitempty" validate:"omitempty,oneof=volunteer carer"`
}

type quotaReq struct {
	Quota *int `json:"quota" validate:"required,min=0,max=1000000"`
}

type disableReq struct {
	Disabled bool `json:"disabled"`
}

type elderUpdate struct {
	Version int `json:"version" validate:"required"`
	registry.ElderInput
}

type volunteerUpdate struct {
	Version int `json:"version" validate:"required"`
	registry.VolunteerInput
}

func (s *Server) table() []route {
	base := []route{
		{method: "GET", path: "/healthz", tag: "system", summary: "进程存活检查", who: access.Public, h: s.healthz},
		{method: "GET", path: "/readyz", tag: "system", summary: "依赖(MongoDB、Redis)可用检查", who: access.Public, h: s.readyz},
		{method: "GET", path: "/metrics", tag: "system", summary: "Prometheus 指标(请求、数据库命令、后台任务、短信)", who: access.TopAdmin, binary: "text/plain", h: s.metrics},
		{method: "GET", path: "/api/public/dict", tag: "system", summary: "词典: 字段的中文名称与各类代码的中文名称(页面与错误信息共用)", who: access.Public, h: s.dict},
		{method: "GET", path: "/api/openapi.json", tag: "system", summary: "本 API 的 OpenAPI 3 文档", who: access.Public, h: s.openapi},

		{method: "POST", path: "/api/auth/login", tag: "auth", summary: "组织者用户名密码登录", who: access.Public, body: loginReq{}, resp: tokenResp{}, h: s.login},
		{method: "POST", path: "/api/auth/code", tag: "auth", summary: "志愿者/护理员获取短信验证码", who: access.Public, body: codeReq{}, h: s.requestCode},
		{method: "POST", path: "/api/auth/verify", tag: "auth", summary: "志愿者/护理员验证码登录", who: access.Public, body: verifyReq{}, resp: tokenResp{}, h: s.verifyCode},
		{method: "POST", path: "/api/auth/logout", tag: "auth", summary: "退出登录", who: access.AnyUser, h: s.logout},
		{method: "GET", path: "/api/me", tag: "auth", summary: "当前用户", who: access.AnyUser, resp: access.Principal{}, h: s.me},

		{method: "GET", path: "/api/regions", tag: "regions", summary: "下级区划列表", who: access.Staff, query: []string{"parent"}, h: s.listRegions},
		{method: "GET", path: "/api/regions/:code", tag: "regions", summary: "区划详情", who: access.Staff, resp: registry.Region{}, h: s.getRegion},
		{method: "PUT", path: "/api/regions/:code/key-village", tag: "regions", summary: "设为或取消重点村(Q2: 重点村每次抽查必查), 须填原因", who: access.CountyUp, body: registry.KeyVillageInput{}, resp: registry.Region{}, h: s.setKeyVillage},
		{method: "PUT", path: "/api/regions/:code/quota", tag: "regions", summary: "分配县级老人名额(E4)", who: access.CityUp, body: quotaReq{}, h: s.setQuota},
		{method: "POST", path: "/api/regions/import", tag: "regions", summary: "从 CSV 导入区划(code,name[,lat,lon])", who: access.Admin, upload: true, h: s.importRegions},

		{method: "GET", path: "/api/accounts", tag: "accounts", summary: "组织者账号列表", who: access.Admin, query: []string{"sort", "order", "offset", "limit"}, h: s.listAccounts},
		{method: "POST", path: "/api/accounts", tag: "accounts", summary: "创建组织者账号", who: access.Admin, body: auth.AccountInput{}, h: s.createAccount},
		{method: "PUT", path: "/api/accounts/:id/disabled", tag: "accounts", summary: "停用或启用账号", who: access.Admin, body: disableReq{}, h: s.disableAccount},
		{method: "GET", path: "/api/audit", tag: "accounts", summary: "审计日志(完整个人信息查看记录)", who: access.Admin, query: []string{"sort", "order", "offset", "limit"}, h: s.auditLog},
		{method: "GET", path: "/api/sms/messages", tag: "sms", summary: "短信记录与发件箱(全部县的短信, 手机号脱敏)", who: access.TopAdmin, query: []string{"status", "sort", "order", "offset", "limit"}, h: s.listMessages},

		{method: "GET", path: "/api/elders", tag: "elders", summary: "老人名册(脱敏)", who: access.StaffOrVolunteer, query: []string{"area", "status", "stage", "name", "sort", "order", "offset", "limit"}, h: s.listElders},
		{method: "POST", path: "/api/elders", tag: "elders", summary: "乡镇摸排上报老人(E4 第一步)", who: access.TownshipUp, body: registry.ElderInput{}, resp: registry.Elder{}, h: s.proposeElder},
		{method: "GET", path: "/api/elders/export.xlsx", tag: "elders", summary: "导出老人名册(xlsx, 脱敏)", who: access.Staff, query: []string{"area"}, binary: xlsxType, h: s.exportElders},
		{method: "POST", path: "/api/elders/import", tag: "elders", summary: "导入老人(xlsx/CSV); mode=check|strict|valid", who: access.TownshipUp, upload: true, query: []string{"mode"}, h: s.importElders},
		{method: "POST", path: "/api/elders/compare", tag: "elders", summary: "与建档立卡名单比对(E5): 新增、消失、字段差异", who: access.Staff, upload: true, h: s.compareElders},
		{method: "POST", path: "/api/elders/compare/resolve", tag: "elders", summary: "按比对结果一次处理差异(E5): 新增所选行、所选行采用名单的值、所选老人标记迁出/退出/去世; 表单字段 file 与 decisions(JSON)", who: access.Writer, upload: true, body: registry.ResolveInput{}, resp: registry.ResolveReport{}, h: s.resolveComparison},
		{method: "GET", path: "/api/elders/:id", tag: "elders", summary: "老人详情(脱敏)", who: access.StaffOrVolunteer, resp: registry.Elder{}, h: s.getElder},
		{method: "PUT", path: "/api/elders/:id", tag: "elders", summary: "修改老人档案", who: access.Writer, body: elderUpdate{}, resp: registry.Elder{}, h: s.updateElder},
		{method: "POST", path: "/api/elders/:id/reveal", tag: "elders", summary: "查看完整个人信息(记入审计日志)", who: access.StaffOrVolunteer, h: s.revealElder},
		{method: "POST", path: "/api/elders/:id/status", tag: "elders", summary: "登记状态变更(E3)", who: access.Writer, body: registry.StatusInput{}, resp: registry.Elder{}, h: s.elderStatus},
		{method: "POST", path: "/api/elders/:id/eligibility", tag: "elders", summary: "人工认定帮扶资格(E1 例外)", who: access.Writer, body: registry.OverrideInput{}, resp: registry.Elder{}, h: s.overrideEligibility},
		{method: "POST", path: "/api/elders/:id/approve", tag: "intake", summary: "县级审核通过(E4 第二步, 受名额限制)", who: access.CountyWriter, body: registry.IntakeInput{}, resp: registry.Elder{}, h: s.approveElder},
		{method: "POST", path: "/api/elders/:id/reject", tag: "intake", summary: "县级不予通过", who: access.CountyWriter, body: registry.IntakeInput{}, resp: registry.Elder{}, h: s.rejectElder},
		{method: "POST", path: "/api/elders/:id/confirm", tag: "intake", summary: "村级确认名单(E4 第三步); 村无账号时县级组织者可填写原因代为确认", who: access.VillageOrCounty, body: registry.IntakeInput{}, resp: registry.Elder{}, h: s.confirmElder},
		{method: "GET", path: "/api/intake/queue", tag: "intake", summary: "本级待办的入册队列", who: access.Staff, query: []string{"sort", "order", "offset", "limit"}, h: s.intakeQueue},

		{method: "GET", path: "/api/volunteers", tag: "volunteers", summary: "志愿者名册(脱敏)", who: access.Staff, query: []string{"area", "status", "type", "name", "sort", "order", "offset", "limit"}, h: s.listVolunteers},
		{method: "POST", path: "/api/volunteers", tag: "volunteers", summary: "登记志愿者", who: access.Writer, body: registry.VolunteerInput{}, resp: registry.Volunteer{}, h: s.createVolunteer},
		{method: "GET", path: "/api/volunteers/:id", tag: "volunteers", summary: "志愿者详情(脱敏)", who: access.StaffOrVolunteer, resp: registry.Volunteer{}, h: s.getVolunteer},
		{method: "PUT", path: "/api/volunteers/:id", tag: "volunteers", summary: "修改志愿者档案", who: access.Writer, body: volunteerUpdate{}, resp: registry.Volunteer{}, h: s.updateVolunteer},
		{method: "POST", path: "/api/volunteers/:id/status", tag: "volunteers", summary: "暂停、退出或恢复服务", who: access.Writer, body: registry.StatusInput{}, resp: registry.Volunteer{}, h: s.volunteerStatus},
		{method: "POST", path: "/api/volunteers/:id/reveal", tag: "volunteers", summary: "查看完整身份证号和手机号(记入审计日志)", who: access.Staff, h: s.revealVolunteer},

		{method: "POST", path: "/api/volunteers/:id/unlock-codes", tag: "volunteers", summary: "解除验证码锁定(多次输错后; 记入审计日志)", who: access.Writer, resp: unlockResp{}, h: s.unlockCodes(access.KindVolunteer)},
		{method: "GET", path: "/api/carers", tag: "carers", summary: "护理员名册(脱敏)", who: access.Staff, query: []string{"sort", "order", "offset", "limit"}, h: s.listCarers},
		{method: "POST", path: "/api/carers", tag: "carers", summary: "登记护理员(C1)", who: access.Writer, body: registry.CarerInput{}, resp: registry.Carer{}, h: s.createCarer},
		{method: "GET", path: "/api/carers/:id", tag: "carers", summary: "护理员详情(脱敏)", who: access.StaffOrCarer, resp: registry.Carer{}, h: s.getCarer},
		{method: "POST", path: "/api/carers/:id/status", tag: "carers", summary: "护理员暂停、退出或恢复服务(退出即结束其登录)", who: access.Writer, body: registry.StatusInput{}, resp: registry.Carer{}, h: s.carerStatus},
		{method: "POST", path: "/api/carers/:id/unlock-codes", tag: "carers", summary: "解除验证码锁定(多次输错后; 记入审计日志)", who: access.Writer, resp: unlockResp{}, h: s.unlockCodes(access.KindCarer)},
	}
	out := append(append(append(base, s.pairingRoutes()...), s.recruitRoutes()...), s.visitRoutes()...)
	for _, more := range [][]route{s.ledgerRoutes(), s.superviseRoutes(), s.wishRoutes(), s.codecardRoutes(), s.familyRoutes(), s.recordRoutes(), s.smsSimRoutes(), s.meRoutes(), s.jobRoutes()} {
		out = append(out, more...)
	}
	return out
}
