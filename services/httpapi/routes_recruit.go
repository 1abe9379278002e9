package httpapi

import (
	"jinhui/services/access"
	"jinhui/services/recruit"
	"jinhui/services/registry"
)

type requireTrainingReq struct {
	Require bool `json:"require"`
}

type handbookAckReq struct {
	Version string `json:"version" validate:"required,max=32"`
}

type applyResp struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

// recruitRoutes are the recruitment routes (rules V1–V6). The public ones
// (/api/public/...) serve the application form without an account.
func (s *Server) recruitRoutes() []route {
	return []route{
		{method: "GET", path: "/api/public/calls", tag: "recruit-public", summary: "正在招募的倡议(本区划及上级发布; 不指定区划则全部), 最新在前, 最多 50 条", who: access.Public, query: []string{"area"}, resp: listResp[recruit.PublicCallItem]{}, h: s.openCalls},
		{method: "GET", path: "/api/public/calls/:id", tag: "recruit-public", summary: "招募倡议公开信息(报名表用)", who: access.Public, resp: recruit.PublicCall{}, h: s.publicCall},
		{method: "GET", path: "/api/public/calls/:id/regions", tag: "recruit-public", summary: "报名表选择居住村(社区): 下级区划", who: access.Public, query: []string{"parent"}, h: s.publicRegions},
		{method: "GET", path: "/api/public/calls/:id/qr.png", tag: "recruit-public", summary: "招募倡议报名链接二维码(PNG)", who: access.Public, query: []string{"size"}, binary: "image/png", h: s.callQR},
		{method: "POST", path: "/api/public/code", tag: "recruit-public", summary: "报名人获取短信验证码(purpose=apply|status); 按手机号、IP 限流", who: access.Public, body: recruit.CodeInput{}, h: s.applyCode},
		{method: "POST", path: "/api/public/calls/:id/apply", tag: "recruit-public", summary: "提交报名(需短信验证码); 同一身份证号或手机号不可重复报名", who: access.Public, body: recruit.ApplyInput{}, resp: applyResp{}, h: s.apply},
		{method: "POST", path: "/api/public/applications/status", tag: "recruit-public", summary: "报名人凭手机号和验证码查询本人报名进度", who: access.Public, body: recruit.StatusInput{}, h: s.applyStatus},

		{method: "GET", path: "/api/recruit/calls", tag: "recruit", summary: "招募倡议列表(本辖区及上级发布)", who: access.Staff, query: []string{"sort", "order", "offset", "limit"}, h: s.listCalls},
		{method: "POST", path: "/api/recruit/calls", tag: "recruit", summary: "发布本级招募倡议(V1)", who: access.Writer, body: recruit.CallInput{}, resp: recruit.Call{}, h: s.createCall},
		{method: "GET", path: "/api/recruit/calls/:id", tag: "recruit", summary: "招募倡议详情(含公开链接)", who: access.Staff, resp: recruit.Call{}, h: s.getCall},
		{method: "PUT", path: "/api/recruit/calls/:id", tag: "recruit", summary: "修改或提前结束招募倡议", who: access.Writer, body: recruit.CallUpdate{}, resp: recruit.Call{}, h: s.updateCall},
		{method: "GET", path: "/api/recruit/applications", tag: "recruit", summary: "报名审核队列(脱敏), 按区划、类别、状态筛选", who: access.Staff, query: []string{"call", "area", "kind", "status", "sort", "order", "offset", "limit"}, h: s.listApplications},
		{method: "GET", path: "/api/recruit/applications/:id", tag: "recruit", summary: "报名详情(脱敏)", who: access.Staff, resp: recruit.Application{}, h: s.getApplication},
		{method: "POST", path: "/api/recruit/applications/:id/review", tag: "recruit", summary: "评分、备注并录用/不录用/候补(V2); 录用受名额限制并生成志愿者档案", who: access.Writer, body: recruit.ReviewInput{}, resp: recruit.Application{}, h: s.reviewApplication},
		{method: "POST", path: "/api/recruit/applications/:id/reveal", tag: "recruit", summary: "查看报名人完整身份证号和手机号(记入审计日志)", who: access.Staff, h: s.revealApplication},
		{method: "GET", path: "/api/recruit/funnel", tag: "recruit", summary: "招募漏斗: 报名、审核、录用、未录用、候补、培训、结对", who: access.Staff, query: []string{"call", "area"}, resp: recruit.Funnel{}, h: s.funnel},
		{method: "GET", path: "/api/recruit/funnel.xlsx", tag: "recruit", summary: "导出招募漏斗(xlsx)", who: access.Staff, query: []string{"call", "area"}, binary: xlsxType, h: s.funnelXLSX},

		{method: "GET", path: "/api/recruit/partners", tag: "recruit", summary: "合作单位(高校、社会组织)及协议完成情况(V3)", who: access.Staff, query: []string{"sort", "order", "offset", "limit"}, resp: listResp[recruit.Partner]{}, h: s.listPartners},
		{method: "POST", path: "/api/recruit/partners", tag: "recruit", summary: "登记合作单位及服务协议", who: access.Writer, body: recruit.PartnerInput{}, resp: recruit.Partner{}, h: s.createPartner},
		{method: "GET", path: "/api/recruit/partners/:id", tag: "recruit", summary: "合作单位详情及协议完成情况", who: access.Staff, resp: recruit.Partner{}, h: s.getPartner},
		{method: "POST", path: "/api/recruit/partners/:id/reveal", tag: "recruit", summary: "查看合作单位联系人完整手机号(记入审计日志)", who: access.Staff, h: s.revealPartner},
		{method: "PUT", path: "/api/recruit/partners/:id", tag: "recruit", summary: "修改服务协议", who: access.Writer, body: recruit.PartnerUpdate{}, resp: recruit.Partner{}, h: s.updatePartner},

		{method: "GET", path: "/api/recruit/batches", tag: "training", summary: "培训批次列表(V5)", who: access.Staff, query: []string{"sort", "order", "offset", "limit"}, h: s.listBatches},
		{method: "POST", path: "/api/recruit/batches", tag: "training", summary: "安排培训批次", who: access.Writer, body: recruit.BatchInput{}, resp: recruit.Batch{}, h: s.createBatch},
		{method: "GET", path: "/api/recruit/batches/:id", tag: "training", summary: "培训批次详情与邀请名单", who: access.Staff, resp: recruit.BatchDetail{}, h: s.getBatch},
		{method: "POST", path: "/api/recruit/batches/:id/invite", tag: "training", summary: "邀请志愿者参加培训(受容量限制, 短信通知)", who: access.Writer, body: recruit.VolunteersInput{}, resp: recruit.BatchDetail{}, h: s.inviteBatch},
		{method: "POST", path: "/api/recruit/batches/:id/attendance", tag: "training", summary: "登记培训出勤", who: access.Writer, body: recruit.VolunteersInput{}, resp: recruit.BatchDetail{}, h: s.attendBatch},
		{method: "GET", path: "/api/recruit/volunteers/:id/training", tag: "training", summary: "志愿者培训状态、手册确认与结对资格", who: access.StaffOrVolunteer, resp: recruit.TrainingState{}, h: s.volunteerTraining},
		{method: "PUT", path: "/api/recruit/regions/:code/require-training", tag: "training", summary: "设置本县志愿者须培训后才能结对", who: access.CountyUp, body: requireTrainingReq{}, resp: registry.Region{}, h: s.requireTraining},
		{method: "GET", path: "/api/recruit/handbook", tag: "training", summary: "志愿者手册", who: access.AnyUser, resp: recruit.Handbook{}, h: s.handbook},
		{method: "POST", path: "/api/recruit/handbook/ack", tag: "training", summary: "志愿者确认已阅读手册", who: access.Volunteer, body: handbookAckReq{}, resp: recruit.TrainingState{}, h: s.ackHandbook},
	}
}
