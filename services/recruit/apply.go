package recruit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
	"jinhui/shared/valid"
)

// Purposes of the applicants' one-time codes.
const (
	PurposeApply  = "apply"
	PurposeStatus = "apply-status"
)

// ConsentVersion names the consent text below; an application records the
// version its applicant agreed to.
const ConsentVersion = "2026-11-v1"

// ConsentText is the consent to the processing of personal data shown on
// the application form.
const ConsentText = "本人同意金晖助老志愿服务项目(共青团及扶贫部门)为志愿者招募、审核、培训、结对和服务管理的目的, " +
	"收集和使用本人填写的姓名、身份证号、手机号、居住地、技能及经历等个人信息。上述信息仅限项目工作人员在工作范围内使用, " +
	"列表中脱敏显示, 查看完整信息均有记录; 不用于其他目的, 不向无关第三方提供。本人可通过所在地团委查询、更正个人信息或撤回同意。"

// CodeInput asks for a one-time code on the public form: to apply to a
// call, or to look up one's applications.
type CodeInput struct {
	Phone   string `json:"phone" validate:"required,max=32"`
	Purpose string `json:"purpose" validate:"required,oneof=apply status"`
	Call    string `json:"call,omitempty" validate:"required_if=Purpose apply,max=64"`
}

// ApplyInput is the public application form (rules V2–V4).
type ApplyInput struct {
	Name           string   `json:"name" validate:"required,min=2,max=32"`
	IDNumber       string   `json:"idNumber" validate:"required,max=18"`
	Phone          string   `json:"phone" validate:"required,max=32"`
	Code           string   `json:"code" validate:"required,len=6,numeric"`
	Village        string   `json:"village" validate:"required,len=12,numeric"`
	Kind           string   `json:"kind" validate:"required,oneof=neighbour urban doctor psychologist group"`
	SourceKind     string   `json:"sourceKind" validate:"required,oneof=university social_org individual family"`
	SourceOrg      string   `json:"sourceOrg,omitempty" validate:"max=64"`
	PartnerID      string   `json:"partnerId,omitempty" validate:"max=64"`
	Skills         []string `json:"skills,omitempty" validate:"max=8,unique,dive,skill"`
	HoursPerMonth  int      `json:"hoursPerMonth" validate:"min=1,max=200"`
	Experience     string   `json:"experience,omitempty" validate:"max=1000"`
	Motivation     string   `json:"motivation" validate:"required,max=1000"`
	Consent        bool     `json:"consent" validate:"required"`
	ConsentVersion string   `json:"consentVersion" validate:"required,max=32"`
}

// StatusInput looks up one's applications with a texted code.
type StatusInput struct {
	Phone string `json:"phone" validate:"required,max=32"`
	Code  string `json:"code" validate:"required,len=6,numeric"`
}

// RequestCode texts a one-time code to an applicant's phone. For "apply"
// the call must be open; for "status" the code is sent only when the phone
// has applications, and the answer is the same either way. Limited per
// phone (auth.Codes), per IP address and, for a call, in all.
func (s *Service) RequestCode(ctx context.Context, in CodeInput, ip string) error {
	if err := valid.Struct(in); err != nil {
		return err
	}
	ph, err := pii.NormalizePhone(in.Phone)
	if err != nil || !strings.HasPrefix(ph, "+861") {
		return apperr.Field("phone", "请填写有效的手机号码")
	}
	if err := s.Codes.Allow(ctx, "apply-code-ip:"+ip, s.Limits.CodesPerIPHour, time.Hour); err != nil {
		return err
	}
	minutes := 5
	if in.Purpose == "status" {
		if err := s.Codes.Throttle(ctx, PurposeStatus, ph); err != nil {
			return err
		}
		apps, _, err := s.Store.Applications(ctx, AppFilter{Phone: ph, Limit: 1})
		if err != nil {
			return fmt.Errorf("recruit.RequestCode: %w", err)
		}
		if len(apps) == 0 {
			return nil
		}
		return s.Codes.Send(ctx, PurposeStatus, ph, fmt.Sprintf("【金晖助老】您查询志愿者报名进度的验证码是 %%s, %d 分钟内有效。", minutes))
	}
	c, err := s.Store.Call(ctx, in.Call)
	if err != nil {
		return apperr.Field("call", "招募倡议不存在")
	}
	if !c.Open(clock.Today(s.Now())) {
		return apperr.Field("call", "本次招募不在报名时间内")
	}
	if err := s.Codes.Allow(ctx, "apply-code-call:"+c.ID, s.Limits.CodesPerCallHour, time.Hour); err != nil {
		return apperr.New(apperr.TooMany, "当前报名人数较多, 请稍后再试")
	}
	return s.Codes.Issue(ctx, PurposeApply, ph, fmt.Sprintf("【金晖助老】您的志愿者报名验证码是 %%s, %d 分钟内有效。如非本人操作请忽略。", minutes))
}

// cleanText trims free text and drops control characters other than line
// breaks.
func cleanText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
}

func validName(s string) bool {
	if n := len([]rune(s)); n < 2 || n > 32 {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsDigit(r) || strings.ContainsRune("<>\"'&/\\{}[]();:@#$%^*=+|~`", r) {
			return false
		}
	}
	return true
}

func claimKey(callID, what, value string) string {
	h := sha256.Sum256([]byte(value))
	return "apply|" + callID + "|" + what + "|" + hex.EncodeToString(h[:16])
}

// Apply checks every field, then the texted code, and stores the
// application. Nothing is stored on bad input. A second application to the
// same call with the same ID number or phone is refused (Conflict) and not
// stored: each is claimed by a unique insert before the application is
// written. Limited per IP address.
func (s *Service) Apply(ctx context.Context, callID string, in ApplyInput, ip string) (Application, error) {
	if err := valid.Struct(in); err != nil {
		return Application{}, err
	}
	if err := s.Codes.Allow(ctx, "apply-ip:"+ip, s.Limits.AppliesPerIPHour, time.Hour); err != nil {
		return Application{}, err
	}
	c, err := s.Store.Call(ctx, callID)
	if err != nil {
		return Application{}, apperr.NotFoundf("招募倡议不存在")
	}
	now := s.Now()
	if !c.Open(clock.Today(now)) {
		return Application{}, apperr.Field("call", "本次招募不在报名时间内")
	}
	a, err := s.buildApplication(ctx, c, in)
	if err != nil {
		return Application{}, err
	}
	if err := s.Codes.Check(ctx, PurposeApply, a.Phone, in.Code); err != nil {
		return Application{}, err
	}
	a.ID, a.CreatedAt, a.UpdatedAt, a.Consent.At = registry.NewID(), now, now, now
	idKey, phoneKey := claimKey(c.ID, "id", a.IDNumber), claimKey(c.ID, "phone", a.Phone)
	if err := s.Store.ClaimKey(ctx, idKey, a.ID); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return Application{}, &apperr.Error{Code: apperr.Conflict, Field: "idNumber", Message: "该身份证号已报名本次招募, 请勿重复报名; 可凭手机号查询进度"}
		}
		return Application{}, fmt.Errorf("recruit.Apply: %w", err)
	}
	if err := s.Store.ClaimKey(ctx, phoneKey, a.ID); err != nil {
		_ = s.Store.ReleaseKey(context.WithoutCancel(ctx), idKey, a.ID)
		if apperr.Is(err, apperr.Conflict) {
			return Application{}, &apperr.Error{Code: apperr.Conflict, Field: "phone", Message: "该手机号已报名本次招募, 请勿重复报名; 可凭手机号查询进度"}
		}
		return Application{}, fmt.Errorf("recruit.Apply: %w", err)
	}
	if err := s.Store.InsertApplication(ctx, a); err != nil {
		_ = s.Store.ReleaseKey(context.WithoutCancel(ctx), idKey, a.ID)
		_ = s.Store.ReleaseKey(context.WithoutCancel(ctx), phoneKey, a.ID)
		return Application{}, fmt.Errorf("recruit.Apply: %w", err)
	}
	body := fmt.Sprintf("【金晖助老】%s您好, 您报名的“%s”已收到, 审核结果将以短信通知。", a.Name, c.Title)
	_ = s.SMS.Send(ctx, "apply-received:"+a.ID, a.Phone, "recruit", body)
	return a.Masked(), nil
}

// buildApplication checks the form field by field against the call.
func (s *Service) buildApplication(ctx context.Context, c Call, in ApplyInput) (Application, error) {
	name := strings.TrimSpace(in.Name)
	if !validName(name) {
		return Application{}, apperr.Field("name", "姓名应为 2 到 32 个字, 不含数字和特殊符号")
	}
	id, err := pii.ParseResidentID(in.IDNumber, s.Now())
	if err != nil {
		return Application{}, apperr.Field("idNumber", err.Error())
	}
	if err := registry.CheckVolunteerAge(id.Birth, s.Now()); err != nil {
		return Application{}, err
	}
	ph, err := pii.NormalizePhone(in.Phone)
	if err != nil || !strings.HasPrefix(ph, "+861") {
		return Application{}, apperr.Field("phone", "请填写有效的手机号码")
	}
	vil, err := area.NormalizeCode(in.Village)
	if err != nil || area.LevelOf(vil) != area.Village || !area.Within(vil, c.Region) {
		return Application{}, apperr.Field("village", "请选择本次招募范围内的村(社区)")
	}
	qa := quotaArea(c, vil)
	if quotaOf(c, qa) == 0 && len(c.Quotas) > 0 {
		return Application{}, apperr.Field("village", "该村(社区)不在本次招募范围内")
	}
	reg, err := s.Store.Region(ctx, vil)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return Application{}, apperr.Field("village", "村(社区)不存在")
		}
		return Application{}, fmt.Errorf("recruit.Apply: %w", err)
	}
	if !slices.Contains(c.Kinds, in.Kind) {
		return Application{}, apperr.Field("kind", "本次招募不招该类志愿者")
	}
	org := cleanText(in.SourceOrg)
	partnerID := ""
	if in.SourceKind == "university" || in.SourceKind == "social_org" {
		ps, err := s.Store.Partners(ctx, c.Region)
		if err != nil {
			return Application{}, fmt.Errorf("recruit.Apply: %w", err)
		}
		for _, p := range ps {
			if (in.PartnerID != "" && p.ID == in.PartnerID) || (in.PartnerID == "" && org != "" && p.Name == org) {
				partnerID, org = p.ID, p.Name
			}
		}
		if in.PartnerID != "" && partnerID == "" {
			return Application{}, apperr.Field("partnerId", "合作单位不存在")
		}
		if org == "" {
			return Application{}, apperr.Field("sourceOrg", "请填写所在高校或社会组织名称")
		}
	} else if in.PartnerID != "" {
		return Application{}, apperr.Field("partnerId", "个人或志愿家庭报名无需选择合作单位")
	}
	motivation := cleanText(in.Motivation)
	if len([]rune(motivation)) < 5 {
		return Application{}, apperr.Field("motivation", "请简要写明报名动机(至少 5 个字)")
	}
	if !in.Consent {
		return Application{}, apperr.Field("consent", "须同意个人信息处理说明才能报名")
	}
	if in.ConsentVersion != ConsentVersion {
		return Application{}, apperr.Field("consentVersion", "个人信息处理说明已更新, 请刷新页面后重新阅读并同意")
	}
	skills := in.Skills
	if skills == nil {
		skills = []string{}
	}
	a := Application{CallID: c.ID, CallTitle: c.Title, Name: name, IDNumber: id.Number, Phone: ph, BirthDate: id.Birth.Format(time.DateOnly),
		Gender: "男", Village: vil, VillageName: reg.Name, Areas: area.AreasOf(vil), QuotaArea: qa, Kind: in.Kind,
		SourceKind: in.SourceKind, SourceOrg: org, PartnerID: partnerID, Skills: skills, HoursPerMonth: in.HoursPerMonth,
		Experience: cleanText(in.Experience), Motivation: motivation, Consent: Consent{Version: in.ConsentVersion},
		Status: StatusPending, Decisions: []Decision{}, Version: 1}
	if id.Female {
		a.Gender = "女"
	}
	return a, nil
}

// StatusItem is what an applicant sees of their own application.
type StatusItem struct {
	ID        string    `json:"id"`
	CallTitle string    `json:"callTitle"`
	Name      string    `json:"name"`
	Status    string    `json:"status"`
	Label     string    `json:"label"`
	Training  string    `json:"training,omitempty"`
	AppliedAt time.Time `json:"appliedAt"`
}

// Status returns the applications made with a phone, once the texted code
// checks out: applicants see only their own.
func (s *Service) Status(ctx context.Context, in StatusInput, ip string) ([]StatusItem, error) {
	if err := valid.Struct(in); err != nil {
		return nil, err
	}
	if err := s.Codes.Allow(ctx, "apply-status-ip:"+ip, s.Limits.StatusPerIPHour, time.Hour); err != nil {
		return nil, err
	}
	ph, err := pii.NormalizePhone(in.Phone)
	if err != nil {
		return nil, apperr.Field("phone", "请填写有效的手机号码")
	}
	if err := s.Codes.Check(ctx, PurposeStatus, ph, in.Code); err != nil {
		return nil, err
	}
	apps, _, err := s.Store.Applications(ctx, AppFilter{Phone: ph, Limit: 100})
	if err != nil {
		return nil, fmt.Errorf("recruit.Status: %w", err)
	}
	out := []StatusItem{}
	for _, a := range apps {
		it := StatusItem{ID: a.ID, CallTitle: a.CallTitle, Name: a.Name, Status: a.Status, Label: StatusName[a.Status], AppliedAt: a.CreatedAt}
		if a.VolunteerID != "" {
			if v, err := s.Store.Volunteer(ctx, a.VolunteerID); err == nil {
				it.Training = v.Training
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// Masked returns a copy with ID number and phone masked and free text
// kept (it is the applicant's own account of themself).
func (a Application) Masked() Application {
	a.IDNumber, a.Phone = pii.MaskID(a.IDNumber), pii.MaskPhone(a.Phone)
	return a
}
