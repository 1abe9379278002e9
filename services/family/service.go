package family

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
	"jinhui/shared/pii"
	"jinhui/shared/valid"
)

// Store is what the family circle needs from the database. Insert*
// return Conflict when the key exists; Replace* write at the version read.
type Store interface {
	Elder(ctx context.Context, id string) (registry.Elder, error)
	FamilyMember(ctx context.Context, id string) (Member, error)
	// FamilyMembers returns the members of the given elders in one query.
	FamilyMembers(ctx context.Context, elders []string) ([]Member, error)
	FamilyByPhone(ctx context.Context, phone string) ([]Member, error)
	// ConsentedFamily returns up to limit members with consent given whose
	// ID is after the given one, in ID order.
	ConsentedFamily(ctx context.Context, after string, limit int) ([]Member, error)
	InsertFamilyMember(ctx context.Context, m Member) error
	ReplaceFamilyMember(ctx context.Context, m *Member) error
	InsertFamilyReply(ctx context.Context, r Reply) error
	FamilyReplies(ctx context.Context, area string, ord page.Order, offset, limit int) ([]Reply, int, error)
	// FamilyFigureRows returns, per elder of the subtree, its areas and
	// whether it has members and consented members (one query each).
	FamilyFigureRows(ctx context.Context, area string) (elders []registry.Elder, members []Member, replies []Reply, err error)
	// DoneVisitsOf returns the completed visits of the elders in month.
	DoneVisitsOf(ctx context.Context, elders []string, month string) ([]visit.Visit, error)
}

// SMS sends a text under a business key (same key: sent once).
type SMS interface {
	Send(ctx context.Context, key, to, kind, body string) error
}

// Problems is supervision as the family circle uses it: a concern goes to
// the problem ledger, and a family member's 1/2 reply answers a visit.
type Problems interface {
	FileFamilyConcern(ctx context.Context, sid, village string, areas []string, desc string) (string, error)
	ListenFor(ctx context.Context, v visit.Visit, phone string) error
}

// Service runs the family circle.
type Service struct {
	Store    Store
	SMS      SMS
	Problems Problems
	Now      func() time.Time
}

// MaxMembers is how many family members one elder's record holds.
const MaxMembers = 5

func (s *Service) elder(ctx context.Context, p access.Principal, id string) (registry.Elder, error) {
	return registry.StaffElder(ctx, s.Store, p, id)
}

func (s *Service) member(ctx context.Context, p access.Principal, id string) (Member, error) {
	if err := p.RequireWriter(); err != nil {
		return Member{}, err
	}
	m, err := s.Store.FamilyMember(ctx, id)
	if apperr.Is(err, apperr.NotFound) {
		return Member{}, apperr.NotFoundf("家属不存在")
	}
	if err != nil {
		return Member{}, err
	}
	return m, p.RequireArea(m.Areas, "家属")
}

// masked hides the phone and fills the Chinese labels.
func masked(m Member) Member {
	m.Phone = pii.MaskPhone(m.Phone)
	m.ConsentName = Names[m.Consent]
	return m
}

// List returns an elder's family members, phones masked.
func (s *Service) List(ctx context.Context, p access.Principal, elder string) ([]Member, error) {
	if _, err := s.elder(ctx, p, elder); err != nil {
		return nil, err
	}
	ms, err := s.Store.FamilyMembers(ctx, []string{elder})
	if err != nil {
		return nil, fmt.Errorf("family.List: %w", err)
	}
	for i := range ms {
		ms[i] = masked(ms[i])
	}
	return ms, nil
}

// Add records a family member; nothing is sent to them until consent is
// recorded.
func (s *Service) Add(ctx context.Context, p access.Principal, elder string, in MemberInput) (Member, error) {
	if err := valid.Struct(in); err != nil {
		return Member{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Member{}, err
	}
	e, err := s.elder(ctx, p, elder)
	if err != nil {
		return Member{}, err
	}
	if strings.TrimSpace(in.Name) == "" {
		return Member{}, apperr.Field("name", "请填写家属姓名")
	}
	if strings.TrimSpace(in.Relation) == "" {
		return Member{}, apperr.Field("relation", "请填写与老人的关系")
	}
	phone, err := pii.NormalizePhone(in.Phone)
	if err != nil {
		return Member{}, apperr.Field("phone", "手机号格式不正确")
	}
	ms, err := s.Store.FamilyMembers(ctx, []string{elder})
	if err != nil {
		return Member{}, fmt.Errorf("family.Add: %w", err)
	}
	if len(ms) >= MaxMembers {
		return Member{}, apperr.Field("phone", fmt.Sprintf("每位老人最多登记 %d 位家属", MaxMembers))
	}
	for _, m := range ms {
		if m.Phone == phone {
			return Member{}, apperr.Field("phone", "该手机号已登记为这位老人的家属")
		}
	}
	m := Member{ID: fmt.Sprintf("%s:%d", elder, len(ms)+1), Elder: elder, ElderName: e.Name, Village: e.Village, Areas: e.Areas,
		Name: strings.TrimSpace(in.Name), Relation: strings.TrimSpace(in.Relation), Phone: phone, Consent: ConsentNone,
		History: []ConsentLog{}, Version: 1, CreatedAt: s.Now(), By: p.Name}
	if err := s.Store.InsertFamilyMember(ctx, m); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return Member{}, apperr.New(apperr.Conflict, "家属名单已被他人修改, 请刷新后重试")
		}
		return Member{}, fmt.Errorf("family.Add: %w", err)
	}
	return masked(m), nil
}

// Consent records consent given on a signed form (its photo required), or
// with how=sms texts the family member asking for it; consent by SMS is
// recorded only when they reply 同意.
func (s *Service) Consent(ctx context.Context, p access.Principal, id string, in ConsentInput) (Member, error) {
	if err := valid.Struct(in); err != nil {
		return Member{}, err
	}
	m, err := s.member(ctx, p, id)
	if err != nil {
		return Member{}, err
	}
	if m.Version != in.Version {
		return Member{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	step := ConsentLog{Scope: in.Scope, How: in.How, By: p.Name, At: s.Now()}
	switch in.How {
	case HowForm:
		if strings.TrimSpace(in.Photo) == "" {
			return Member{}, apperr.Field("photo", "请上传签字同意书照片")
		}
		if strings.TrimSpace(in.GivenBy) == "" {
			return Member{}, apperr.Field("givenBy", "请填写签字人")
		}
		step.State, step.Photo, step.GivenBy = ConsentGiven, in.Photo, strings.TrimSpace(in.GivenBy)
		m.Consent, m.Scope = ConsentGiven, in.Scope
	case HowSMS:
		if m.Consent == ConsentGiven {
			return Member{}, apperr.New(apperr.Conflict, "该家属已同意接收通知")
		}
		step.State = ConsentRequested
		m.Consent, m.Scope = ConsentRequested, in.Scope
		key := fmt.Sprintf("family-consent:%s:%d", m.ID, len(m.History))
		if err := s.SMS.Send(ctx, key, m.Phone, "family", ConsentText(m)); err != nil {
			return Member{}, fmt.Errorf("family.Consent: %w", err)
		}
	}
	m.History = append(m.History, step)
	if err := s.Store.ReplaceFamilyMember(ctx, &m); err != nil {
		return Member{}, fmt.Errorf("family.Consent: %w", err)
	}
	return masked(m), nil
}

// Withdraw records that the family member withdrew consent (told an
// organizer); no more texts go to them.
func (s *Service) Withdraw(ctx context.Context, p access.Principal, id string, in WithdrawInput) (Member, error) {
	if err := valid.Struct(in); err != nil {
		return Member{}, err
	}
	m, err := s.member(ctx, p, id)
	if err != nil {
		return Member{}, err
	}
	if m.Version != in.Version {
		return Member{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	if strings.TrimSpace(in.Reason) == "" {
		return Member{}, apperr.Field("reason", "请填写撤回原因")
	}
	if m.Consent == ConsentWithdrawn || m.Consent == ConsentNone {
		return Member{}, apperr.New(apperr.Conflict, "该家属没有生效的同意")
	}
	m.Consent = ConsentWithdrawn
	m.History = append(m.History, ConsentLog{State: ConsentWithdrawn, How: HowOrganizer, Reason: strings.TrimSpace(in.Reason), By: p.Name, At: s.Now()})
	if err := s.Store.ReplaceFamilyMember(ctx, &m); err != nil {
		return Member{}, fmt.Errorf("family.Withdraw: %w", err)
	}
	return masked(m), nil
}

// ConsentText asks a family member for consent.
func ConsentText(m Member) string {
	return "【金晖助老】" + m.Relation + "您好, 您的家人" + m.ElderName + "参加了金晖助老志愿服务。回复\"同意\"即可在每次志愿者探访后收到简短通知, 每月一次小结; 回复\"退订\"不再接收。"
}
