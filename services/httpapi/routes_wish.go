package httpapi

import (
	"jinhui/services/access"
	"jinhui/services/wish"
)

// wishRoutes are the micro-wish (微心愿) and exchange-page routes (rule
// R3). The public ones (/api/public/...) need no account and show nothing
// that identifies an elder.
func (s *Server) wishRoutes() []route {
	return []route{
		{method: "GET", path: "/api/wishes/figures", tag: "wishes", summary: "微心愿统计: 按区划和月份的发布、认领、超时、送达数及价值(元)", who: access.Staff, query: []string{"area", "from", "to"}, resp: listResp[wish.FigureRow]{}, h: s.wishFigures},
		{method: "GET", path: "/api/wishes", tag: "wishes", summary: "微心愿列表(捐赠人手机号脱敏)", who: access.StaffOrVolunteer, query: []string{"area", "status", "sort", "order", "offset", "limit"}, resp: listResp[wish.Wish]{}, h: s.listWishes},
		{method: "POST", path: "/api/wishes", tag: "wishes", summary: "登记老人微心愿(待审核); 内容不得含老人姓名、电话、证件号", who: access.WriterOrVolunteer, body: wish.Input{}, resp: wish.Wish{}, h: s.recordWish},
		{method: "GET", path: "/api/wishes/:id", tag: "wishes", summary: "微心愿详情及全部步骤(谁、何时)", who: access.StaffOrVolunteer, resp: wish.Wish{}, h: s.getWish},
		{method: "POST", path: "/api/wishes/:id/approve", tag: "wishes", summary: "审核通过并公开发布微心愿", who: access.Writer, body: wish.Decision{}, resp: wish.Wish{}, h: s.approveWish},
		{method: "POST", path: "/api/wishes/:id/reject", tag: "wishes", summary: "不予发布微心愿(须说明原因)", who: access.Writer, body: wish.Decision{}, resp: wish.Wish{}, h: s.rejectWish},

		{method: "GET", path: "/api/public/wishes", tag: "wishes-public", summary: "公开的微心愿(村级区划、年龄段、需求; 无老人身份信息); status=open|claimed|delivered|all", who: access.Public, query: []string{"area", "status", "offset", "limit"}, resp: listResp[wish.View]{}, h: s.publicWishes},
		{method: "GET", path: "/api/public/wishes/:id", tag: "wishes-public", summary: "公开的微心愿详情", who: access.Public, resp: wish.View{}, h: s.publicWish},
		{method: "POST", path: "/api/public/wishes/code", tag: "wishes-public", summary: "捐赠人获取认领短信验证码; 按手机号、IP 限流", who: access.Public, body: wish.CodeInput{}, h: s.wishCode},
		{method: "POST", path: "/api/public/wishes/:id/claim", tag: "wishes-public", summary: "认领微心愿(需短信验证码); 认领保留若干天, 逾期未送达重新开放", who: access.Public, body: wish.ClaimInput{}, resp: wish.ClaimResult{}, h: s.claimWish},

		{method: "POST", path: "/api/exchange/photos", tag: "exchange", summary: "上传照片(JPEG/PNG, ≤10 MB; 按内容识别类型, 缩放为 ≤1600 像素、≤1 MB 的 JPEG)", who: access.WriterOrVolunteer, upload: true, resp: wish.Photo{}, h: s.uploadPhoto},
		{method: "GET", path: "/api/exchange/photos/:id", tag: "exchange", summary: "查看照片(上传者; 所属文章辖区的组织者)", who: access.StaffOrVolunteer, binary: "image/jpeg", h: s.getPhoto},
		{method: "GET", path: "/api/exchange/posts", tag: "exchange", summary: "交流平台文章列表(含待审核)", who: access.StaffOrVolunteer, query: []string{"area", "status", "sort", "order", "offset", "limit"}, resp: listResp[wish.Post]{}, h: s.listPosts},
		{method: "POST", path: "/api/exchange/posts", tag: "exchange", summary: "发布活动动态(组织者)或投稿服务故事(志愿者, 待审核); 未登记老人同意不得含老人姓名", who: access.WriterOrVolunteer, body: wish.PostInput{}, resp: wish.Post{}, h: s.createPost},
		{method: "GET", path: "/api/exchange/posts/:id", tag: "exchange", summary: "文章详情", who: access.StaffOrVolunteer, resp: wish.Post{}, h: s.getPost},
		{method: "POST", path: "/api/exchange/posts/:id/approve", tag: "exchange", summary: "审核通过志愿者故事并公开", who: access.Writer, body: wish.Decision{}, resp: wish.Post{}, h: s.approvePost},
		{method: "POST", path: "/api/exchange/posts/:id/reject", tag: "exchange", summary: "不予发布志愿者故事(须说明原因)", who: access.Writer, body: wish.Decision{}, resp: wish.Post{}, h: s.rejectPost},

		{method: "GET", path: "/api/public/posts", tag: "exchange-public", summary: "交流平台公开文章, 按区划筛选, 最新在前", who: access.Public, query: []string{"area", "offset", "limit"}, resp: listResp[wish.PostView]{}, h: s.publicPosts},
		{method: "GET", path: "/api/public/posts/:id", tag: "exchange-public", summary: "交流平台公开文章详情", who: access.Public, resp: wish.PostView{}, h: s.publicPost},
		{method: "GET", path: "/api/public/photos/:id", tag: "exchange-public", summary: "已发布文章的照片(JPEG)", who: access.Public, binary: "image/jpeg", h: s.publicPhoto},
	}
}
