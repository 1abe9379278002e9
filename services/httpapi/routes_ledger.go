package httpapi

import (
	"jinhui/services/access"
	"jinhui/services/carer"
	"jinhui/services/jobs"
	"jinhui/services/ledger"
	"jinhui/services/stats"
)

type certResp struct {
	ledger.Certificate
	URL string `json:"url"`
	QR  string `json:"qr"`
}

// ledgerRoutes are the service-hour ledger (V6), neighbour carer (C1–C4)
// and figures (R1, R2) routes.
func (s *Server) ledgerRoutes() []route {
	return []route{
		{method: "GET", path: "/api/ledger/entries", tag: "ledger", summary: "服务时长台账(只增不改)", who: access.StaffOrVolunteer, query: []string{"area", "volunteer", "month", "sort", "order", "offset", "limit"}, h: s.ledgerEntries},
		{method: "POST", path: "/api/ledger/honour", tag: "ledger", summary: "补记荣誉时长(原因与批准人, V6)", who: access.Writer, body: ledger.HonourInput{}, resp: ledger.Entry{}, h: s.ledgerHonour},
		{method: "POST", path: "/api/ledger/entries/:id/correct", tag: "ledger", summary: "更正台账记录(冲销+新记录)", who: access.Writer, body: ledger.CorrectInput{}, resp: ledger.Correction{}, h: s.ledgerCorrect},
		{method: "POST", path: "/api/ledger/rebuild", tag: "ledger", summary: "从台账重算全部统计(可随时重跑); background=1 时在后台运行, 返回 202 与任务", who: access.TopAdmin, query: []string{"background"}, resp: ledger.RebuildResult{}, accepted: jobs.Job{}, h: s.ledgerRebuild},
		{method: "GET", path: "/api/volunteers/:id/hours", tag: "ledger", summary: "志愿者按月服务时长(服务/荣誉分列)", who: access.StaffOrVolunteer, resp: ledger.Hours{}, h: s.volunteerHours},
		{method: "GET", path: "/api/me/hours", tag: "ledger", summary: "我的服务时长(按月)", who: access.Volunteer, resp: ledger.Hours{}, h: s.myHours},
		{method: "POST", path: "/api/me/certificates", tag: "ledger", summary: "开具志愿服务时长证明(含验证码与二维码)", who: access.Volunteer, body: ledger.CertificateInput{}, resp: certResp{}, h: s.issueCertificate},
		{method: "GET", path: "/api/certificates/:code", tag: "ledger", summary: "公开核验服务时长证明(仅显示证明上的内容)", who: access.Public, resp: ledger.Certificate{}, h: s.verifyCertificate},
		{method: "GET", path: "/api/certificates/:code/qr.png", tag: "ledger", summary: "证明核验二维码", who: access.Public, binary: "image/png", h: s.certificateQR},

		{method: "GET", path: "/api/carer-roster", tag: "carer-care", summary: "护理员照护名册(C1)", who: access.StaffOrCarer, query: []string{"area", "sort", "order", "offset", "limit"}, h: s.carerRoster},
		{method: "POST", path: "/api/carer-roster", tag: "carer-care", summary: "登记护理员与本村被照护人结对(C1)", who: access.Writer, body: carer.RosterInput{}, resp: carer.Assignment{}, h: s.addRoster},
		{method: "POST", path: "/api/carer-roster/:id/leave", tag: "carer-care", summary: "移出照护名册(如转集中供养, C4)", who: access.Writer, body: carer.LeaveInput{}, resp: carer.Assignment{}, h: s.leaveRoster},
		{method: "GET", path: "/api/carer-logs", tag: "carer-care", summary: "护理记录", who: access.StaffOrCarer, query: []string{"area", "month", "sort", "order", "offset", "limit"}, h: s.carerLogs},
		{method: "POST", path: "/api/carer-logs", tag: "carer-care", summary: "护理员记录一次服务(同一 key 只记一次, 最多补记 3 天, C2)", who: access.Carer, body: carer.LogInput{}, resp: carer.Log{}, h: s.addCarerLog},
		{method: "GET", path: "/api/carer-rules/:county", tag: "carer-care", summary: "县级护理补贴规则(C3)", who: access.Staff, resp: carer.Rule{}, h: s.carerRule},
		{method: "PUT", path: "/api/carer-rules/:county", tag: "carer-care", summary: "设置县级护理补贴规则(C3)", who: access.CountyUp, body: carer.Rule{}, resp: carer.Rule{}, h: s.putCarerRule},
		{method: "POST", path: "/api/carer-statements/compute", tag: "carer-care", summary: "按护理记录计算某月补贴(已审批的不变)", who: access.Writer, body: carer.ComputeInput{}, h: s.computeStatements},
		{method: "GET", path: "/api/me/carer-subsidy", tag: "carer-care", summary: "护理员本人某月帮扶天数与补贴(按县规则预计, 审批后以审批为准)", who: access.Carer, query: []string{"month"}, resp: carer.Preview{}, h: s.carerPreview},
		{method: "GET", path: "/api/carer-statements", tag: "carer-care", summary: "护理补贴月度清单", who: access.StaffOrCarer, query: []string{"area", "month", "offset", "limit"}, h: s.listStatements},
		{method: "POST", path: "/api/carer-statements/:id/approve", tag: "carer-care", summary: "审批(或调整并说明原因)护理补贴, 审批后冻结", who: access.Writer, body: carer.ApproveInput{}, resp: carer.Statement{}, h: s.approveStatement},
		{method: "GET", path: "/api/carer-statements/payments.xlsx", tag: "carer-care", summary: "导出补贴发放表(xlsx, 已审批)", who: access.Staff, query: []string{"area", "month"}, binary: xlsxType, h: s.paymentList},

		{method: "GET", path: "/api/figures", tag: "figures", summary: "工作统计: 任一区划、任一时段, 下钻下一级(R1、R2)", who: access.Staff, query: []string{"area", "from", "to"}, resp: stats.Report{}, h: s.figures},
		{method: "GET", path: "/api/figures/dashboard", tag: "figures", summary: "看板数据: 覆盖率、按月探访与时长、下级排名", who: access.Staff, query: []string{"area", "from", "to"}, resp: stats.Dashboard{}, h: s.dashboard},
		{method: "GET", path: "/api/figures/export.xlsx", tag: "figures", summary: "导出统计表(xlsx, 每个下级一行, 含合计)", who: access.Staff, query: []string{"area", "from", "to"}, binary: xlsxType, h: s.exportFigures},
	}
}
