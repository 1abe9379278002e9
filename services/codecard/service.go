package codecard

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"jinhui/services/access"
	"jinhui/services/audit"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/valid"
)

// Store is what the cards need from the database. Insert* return Conflict
// when the key exists; Replace* write at the version read.
type Store interface {
	Elder(ctx context.Context, id string) (registry.Elder, error)
	Region(ctx context.Context, code string) (registry.Region, error)
	CodeCard(ctx context.Context, elder string) (Card, error)
	InsertCodeCard(ctx context.Context, c Card) error
	ReplaceCodeCard(ctx context.Context, c *Card) error
	// KeepCodeCard stores a replaced card in the history (elder:generation).
	KeepCodeCard(ctx context.Context, c Card) error
	// CodeCards returns the cards of the given elders (missing ones skipped).
	CodeCards(ctx context.Context, elders []string) ([]Card, error)
	// CodeCardsIn returns at most limit cards in use in a subtree.
	CodeCardsIn(ctx context.Context, area string, limit int) ([]Card, error)
	CardAttempts(ctx context.Context, visit string) (Attempts, error)
	// PutCardAttempts inserts a.Version 0 or replaces at a.Version, bumping it.
	PutCardAttempts(ctx context.Context, a *Attempts) error
}

// Visits finds a visit the caller may see.
type Visits interface {
	VisitFor(ctx context.Context, p access.Principal, id string) (visit.Visit, error)
}

// Service runs visit code cards.
type Service struct {
	Store  Store
	Visits Visits
	Audit  audit.Recorder
	Now    func() time.Time
}

// MaxPrint is how many cards one print holds.
const MaxPrint = 500

func (s *Service) elder(ctx context.Context, p access.Principal, id string) (registry.Elder, error) {
	return registry.StaffElder(ctx, s.Store, p, id)
}

// Get returns an elder's card without its codes (organizers of the area);
// NotFound when the elder has none.
func (s *Service) Get(ctx context.Context, p access.Principal, elder string) (Card, error) {
	if _, err := s.elder(ctx, p, elder); err != nil {
		return Card{}, err
	}
	c, err := s.Store.CodeCard(ctx, elder)
	if apperr.Is(err, apperr.NotFound) {
		return Card{}, apperr.NotFoundf("该老人尚未制作探访码卡")
	}
	c.StatusName = StatusName[c.Status]
	return c, err
}

// Issue makes an elder's card for the twelve months from in.From, or
// reprints it with a new secret (the old codes stop working); replacing a
// card in use needs a reason.
func (s *Service) Issue(ctx context.Context, p access.Principal, elder string, in IssueInput) (Card, error) {
	if err := valid.Struct(in); err != nil {
		return Card{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Card{}, err
	}
	e, err := s.elder(ctx, p, elder)
	if err != nil {
		return Card{}, err
	}
	from := in.From
	if from == "" {
		from = s.Now().In(clock.Shanghai).Format("2006-01")
	}
	months, err := MonthsFrom(from, Months)
	if err != nil {
		return Card{}, apperr.Field("from", "起始月份格式应为 年-月, 如 2026-12")
	}
	old, err := s.Store.CodeCard(ctx, elder)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return Card{}, fmt.Errorf("codecard.Issue: %w", err)
	}
	exists := err == nil
	if exists && old.Status == StatusActive && strings.TrimSpace(in.Reason) == "" {
		return Card{}, apperr.Field("reason", "该老人已有使用中的探访码卡, 重新制作请说明原因(如遗失、被拍照)")
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	villageName := e.Village
	if r, err := s.Store.Region(ctx, e.Village); err == nil {
		villageName = r.Name
	}
	c := Card{ID: elder, ElderName: e.Name, Village: villageName, Areas: e.Areas, Generation: 1, Secret: secret, From: months[0], Months: months,
		Status: StatusActive, IssuedAt: s.Now(), IssuedBy: p.ID, IssuedName: p.Name, Reason: strings.TrimSpace(in.Reason)}
	if !exists {
		if err := s.Store.InsertCodeCard(ctx, c); err != nil {
			return Card{}, fmt.Errorf("codecard.Issue: %w", err)
		}
	} else {
		if err := s.Store.KeepCodeCard(ctx, old); err != nil && !apperr.Is(err, apperr.Conflict) {
			return Card{}, fmt.Errorf("codecard.Issue: %w", err)
		}
		c.Generation, c.Version = old.Generation+1, old.Version
		if err := s.Store.ReplaceCodeCard(ctx, &c); err != nil {
			return Card{}, fmt.Errorf("codecard.Issue: %w", err)
		}
	}
	c.StatusName = StatusName[c.Status]
	return c, nil
}

// Revoke stops a card (its codes no longer confirm anything), with a reason.
func (s *Service) Revoke(ctx context.Context, p access.Principal, elder string, in RevokeInput) (Card, error) {
	if err := valid.Struct(in); err != nil {
		return Card{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Card{}, err
	}
	if _, err := s.elder(ctx, p, elder); err != nil {
		return Card{}, err
	}
	if strings.TrimSpace(in.Reason) == "" {
		return Card{}, apperr.Field("reason", "请填写作废原因")
	}
	c, err := s.Store.CodeCard(ctx, elder)
	if apperr.Is(err, apperr.NotFound) {
		return Card{}, apperr.NotFoundf("该老人尚未制作探访码卡")
	}
	if err != nil {
		return Card{}, fmt.Errorf("codecard.Revoke: %w", err)
	}
	if c.Status == StatusRevoked {
		return Card{}, apperr.New(apperr.Conflict, "该探访码卡已作废")
	}
	now := s.Now()
	c.Status, c.RevokedAt, c.RevokedBy, c.RevokeCause = StatusRevoked, &now, p.Name, strings.TrimSpace(in.Reason)
	if err := s.Store.ReplaceCodeCard(ctx, &c); err != nil {
		return Card{}, fmt.Errorf("codecard.Revoke: %w", err)
	}
	c.StatusName = StatusName[c.Status]
	return c, nil
}

// Print returns the codes of the chosen cards in use, for the printed
// sheet; each print is audited, since the codes confirm visits.
func (s *Service) Print(ctx context.Context, p access.Principal, in PrintInput) ([]Printed, error) {
	if err := valid.Struct(in); err != nil {
		return nil, err
	}
	if err := p.RequireWriter(); err != nil {
		return nil, err
	}
	var cards []Card
	var err error
	switch {
	case len(in.Elders) > 0:
		cards, err = s.Store.CodeCards(ctx, in.Elders)
	case in.Area != "":
		c, cerr := p.Subtree(in.Area, "area")
		if cerr != nil {
			return nil, cerr
		}
		cards, err = s.Store.CodeCardsIn(ctx, c, MaxPrint+1)
	default:
		return nil, apperr.Field("elders", "请选择要打印的老人或区划")
	}
	if err != nil {
		return nil, fmt.Errorf("codecard.Print: %w", err)
	}
	if len(cards) > MaxPrint {
		return nil, apperr.Field("area", fmt.Sprintf("一次最多打印 %d 张, 请选择更小的区划", MaxPrint))
	}
	out := []Printed{}
	var ids []string
	for _, c := range cards {
		if !p.Sees(c.Areas) || c.Status != StatusActive {
			continue
		}
		pr := Printed{Elder: c.ID, ElderName: c.ElderName, VillageName: c.Village, Generation: c.Generation}
		for _, m := range c.Months {
			pr.Codes = append(pr.Codes, MonthCode{Month: m, Code: Code(c.Secret, c.ID, m)})
		}
		out = append(out, pr)
		ids = append(ids, c.ID)
	}
	if len(out) == 0 {
		return nil, apperr.NotFoundf("没有可打印的探访码卡(请先为老人制作)")
	}
	if s.Audit != nil {
		e := audit.Entry{ID: uuid.NewString(), At: s.Now(), ActorKind: p.Kind, ActorID: p.ID, ActorName: p.Name, Region: p.Region,
			Action: "print", ObjectType: "codecard", ObjectID: strings.Join(ids, ","), Areas: area.AreasOf(p.Region), RequestID: audit.RequestID(ctx)}
		if len(e.ObjectID) > 2000 {
			e.ObjectID = fmt.Sprintf("%s 等 %d 张", ids[0], len(ids))
		}
		if err := s.Audit.Record(ctx, e); err != nil {
			return nil, fmt.Errorf("codecard.Print: %w", err)
		}
	}
	return out, nil
}

// MaxStatuses is how many elders one status query names.
const MaxStatuses = 100

// Statuses returns the cards (without codes) of the given elders that p's
// subtree holds, in one query; elders without a card are left out.
func (s *Service) Statuses(ctx context.Context, p access.Principal, elders []string) ([]Card, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, err
	}
	if len(elders) == 0 {
		return []Card{}, nil
	}
	if len(elders) > MaxStatuses {
		return nil, apperr.Field("elders", fmt.Sprintf("一次最多查询 %d 位老人", MaxStatuses))
	}
	cards, err := s.Store.CodeCards(ctx, elders)
	if err != nil {
		return nil, fmt.Errorf("codecard.Statuses: %w", err)
	}
	out := []Card{}
	for _, c := range cards {
		if p.Sees(c.Areas) {
			c.StatusName = StatusName[c.Status]
			out = append(out, c)
		}
	}
	return out, nil
}
