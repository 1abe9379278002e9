package httpapi

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/access"
	"jinhui/services/notify"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
	"jinhui/shared/pii"
)

// smsPref is whether the logged-in person receives the platform's texts.
type smsPref struct {
	Phone    string `json:"phone"` // masked
	Receive  bool   `json:"receive"`
	Message  string `json:"message,omitempty"`
	OptedOut bool   `json:"optedOut"`
}

type smsPrefReq struct {
	Receive *bool `json:"receive" validate:"required"`
}

// codeHint is said to everyone who asks for a login code, registered or
// not, so that it tells a stranger nothing about a number: a volunteer who
// once replied 退订 gets no codes until they subscribe again.
const codeHint = "收不到验证码? 如您曾回复“退订”, 请用本手机回复“订阅”到平台短信号码重新订阅, 或请所在村、乡镇的组织者协助。"

// meRoutes are the phone pages' own routes: the texts sent to the person
// logged in and their SMS subscription.
func (s *Server) meRoutes() []route {
	return []route{
		{method: "GET", path: "/api/me/messages", tag: "auth", summary: "发给我的短信(提醒、变更、结对通知), 最新在前; 验证码内容隐藏", who: access.VolunteerOrCarer, query: []string{"offset", "limit"}, resp: listResp[notify.Message]{}, h: s.myMessages},
		{method: "GET", path: "/api/me/sms", tag: "auth", summary: "我是否接收平台短信(退订状态)", who: access.VolunteerOrCarer, resp: smsPref{}, h: s.mySMS},
		{method: "PUT", path: "/api/me/sms", tag: "auth", summary: "重新订阅或退订平台短信(退订后收不到探访提醒和登录验证码)", who: access.VolunteerOrCarer, body: smsPrefReq{}, resp: smsPref{}, h: s.putMySMS},
	}
}

// myPhone is the phone number of the volunteer or carer logged in.
func (s *Server) myPhone(ctx context.Context, p access.Principal) (string, error) {
	var phone string
	var err error
	switch p.Kind {
	case access.KindVolunteer:
		phone, err = s.Visits.Store.VolunteerPhone(ctx, p.ID)
	case access.KindCarer:
		var c registry.Carer
		c, err = s.Carers.Store.Carer(ctx, p.ID)
		phone = c.Phone
	default:
		return "", access.VolunteerOrCarer.Check(p)
	}
	if err == nil && phone == "" {
		return "", apperr.NotFoundf("未登记手机号, 请联系组织者登记")
	}
	return phone, err
}

func (s *Server) myMessages(c *fiber.Ctx) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	phone, err := s.myPhone(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	items, n, err := s.Messages.MessagesTo(c.UserContext(), phone, pg.Offset, pg.Limit)
	if err != nil {
		return fmt.Errorf("httpapi.myMessages: %w", err)
	}
	for i, m := range items {
		items[i] = m.Masked()
		if m.Kind == "otp" {
			items[i].Body = "(登录验证码, 内容已隐藏)"
		}
	}
	return c.JSON(page.Of(items, n))
}

func (s *Server) smsPrefOf(ctx context.Context, phone string) (smsPref, error) {
	out, err := s.SMS.Store.OptedOut(ctx, phone)
	if err != nil {
		return smsPref{}, fmt.Errorf("httpapi.mySMS: %w", err)
	}
	pref := smsPref{Phone: pii.MaskPhone(phone), Receive: !out, OptedOut: out}
	if out {
		pref.Message = "您已退订平台短信, 收不到探访提醒和登录验证码。点“重新接收短信”即可恢复。"
	}
	return pref, nil
}

func (s *Server) mySMS(c *fiber.Ctx) error {
	phone, err := s.myPhone(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	pref, err := s.smsPrefOf(c.UserContext(), phone)
	if err != nil {
		return err
	}
	return c.JSON(pref)
}

func (s *Server) putMySMS(c *fiber.Ctx) error {
	var in smsPrefReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	phone, err := s.myPhone(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	if err := s.SMS.Store.SetOptOut(c.UserContext(), phone, !*in.Receive, s.SMS.Now()); err != nil {
		return fmt.Errorf("httpapi.putMySMS: %w", err)
	}
	pref, err := s.smsPrefOf(c.UserContext(), phone)
	if err != nil {
		return err
	}
	if *in.Receive {
		pref.Message = "已恢复接收平台短信。如仍收不到, 请用本手机回复“订阅”。"
	} else {
		pref.Message = "已退订平台短信: 将收不到探访提醒, 也收不到登录验证码(已登录的手机不受影响)。"
	}
	return c.JSON(pref)
}
