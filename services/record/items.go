package record

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"jinhui/services/access"
	"jinhui/services/ledger"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// AwardInput records an award or commendation (表彰奖励).
type AwardInput struct {
	Date    string `json:"date" validate:"required,datetime=2006-01-02"`
	Title   string `json:"title" validate:"required,max=100"`
	Grantor string `json:"grantor" validate:"required,max=100"`
	Text    string `json:"text" validate:"max=500"`
}

// Grades an evaluation may give.
var Grades = []string{"优秀", "良好", "合格", "不合格"}

// EvaluationInput records an evaluation (评价) of a period's service.
type EvaluationInput struct {
	Date    string `json:"date" validate:"required,datetime=2006-01-02"`
	Period  string `json:"period" validate:"required,max=32"`
	Title   string `json:"title" validate:"required,oneof=优秀 良好 合格 不合格"`
	Grantor string `json:"grantor" validate:"required,max=100"`
	Text    string `json:"text" validate:"max=500"`
}

// AddAward appends an award to a volunteer's record (organizers and
// admins of the volunteer's area).
func (s *Service) AddAward(ctx context.Context, p access.Principal, volunteer string, in AwardInput) (Item, error) {
	if err := valid.Struct(in); err != nil {
		return Item{}, err
	}
	return s.addItem(ctx, p, volunteer, Item{Kind: KindAward, Date: in.Date, Title: strings.TrimSpace(in.Title), Grantor: strings.TrimSpace(in.Grantor), Text: strings.TrimSpace(in.Text)})
}

// AddEvaluation appends an evaluation to a volunteer's record.
func (s *Service) AddEvaluation(ctx context.Context, p access.Principal, volunteer string, in EvaluationInput) (Item, error) {
	if err := valid.Struct(in); err != nil {
		return Item{}, err
	}
	return s.addItem(ctx, p, volunteer, Item{Kind: KindEvaluation, Date: in.Date, Period: strings.TrimSpace(in.Period), Title: in.Title,
		Grantor: strings.TrimSpace(in.Grantor), Text: strings.TrimSpace(in.Text)})
}

func (s *Service) addItem(ctx context.Context, p access.Principal, volunteer string, it Item) (Item, error) {
	if err := p.RequireWriter(); err != nil {
		return Item{}, err
	}
	v, err := s.volunteerFor(ctx, p, volunteer)
	if err != nil {
		return Item{}, err
	}
	if d, err := clock.ParseDate(it.Date); err != nil || d.After(s.Now()) {
		return Item{}, apperr.Field("date", "日期无效或在未来")
	}
	it.ID, it.Volunteer, it.Name, it.Areas, it.By, it.ByName, it.At, it.Version = uuid.NewString(), v.ID, v.Name, v.Areas, p.ID, p.Name, s.Now(), 1
	if err := s.Store.InsertRecordItem(ctx, it); err != nil {
		return Item{}, fmt.Errorf("record.addItem: %w", err)
	}
	return it.named(), nil
}

// CorrectionInput is a volunteer's request to correct their record: which
// part, optionally which line (a service line's id), and what is wrong.
type CorrectionInput struct {
	Part string `json:"part" validate:"required,oneof=basic service training award evaluation"`
	Ref  string `json:"ref" validate:"max=128"`
	Text string `json:"text" validate:"required,max=500"`
}

// MaxPending is how many undecided requests a volunteer may have at once.
const MaxPending = 5

// RequestCorrection files a volunteer's correction request on their own
// record; an organizer of their area decides it.
func (s *Service) RequestCorrection(ctx context.Context, p access.Principal, in CorrectionInput) (Item, error) {
	if err := valid.Struct(in); err != nil {
		return Item{}, err
	}
	if err := access.Volunteer.Check(p); err != nil {
		return Item{}, err
	}
	v, err := s.volunteerFor(ctx, p, p.ID)
	if err != nil {
		return Item{}, err
	}
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return Item{}, apperr.Field("text", "请说明需要更正的内容")
	}
	if in.Part == PartService {
		if in.Ref == "" {
			return Item{}, apperr.Field("ref", "请选择需要更正的服务记录")
		}
		e, err := s.Store.LedgerEntry(ctx, strings.TrimSpace(in.Ref))
		if apperr.Is(err, apperr.NotFound) || err == nil && e.Volunteer != v.ID {
			return Item{}, apperr.Field("ref", "所选服务记录不存在")
		}
		if err != nil {
			return Item{}, fmt.Errorf("record.RequestCorrection: %w", err)
		}
	}
	items, err := s.Store.RecordItems(ctx, v.ID, MaxItems)
	if err != nil {
		return Item{}, fmt.Errorf("record.RequestCorrection: %w", err)
	}
	pending := 0
	for _, it := range items {
		if it.Kind == KindCorrection && it.Status == StatusPending {
			pending++
		}
	}
	if pending >= MaxPending {
		return Item{}, apperr.Errorf(apperr.Conflict, "已有 %d 条更正申请待处理, 请等组织者处理后再申请", pending)
	}
	it := Item{ID: uuid.NewString(), Kind: KindCorrection, Volunteer: v.ID, Name: v.Name, Areas: v.Areas, Title: PartName[in.Part], Part: in.Part,
		Ref: strings.TrimSpace(in.Ref), Text: text, Status: StatusPending, By: p.ID, ByName: p.Name, At: s.Now(), Version: 1}
	if err := s.Store.InsertRecordItem(ctx, it); err != nil {
		return Item{}, fmt.Errorf("record.RequestCorrection: %w", err)
	}
	return it.named(), nil
}

// Corrections pages the correction requests of an area in p's subtree.
func (s *Service) Corrections(ctx context.Context, p access.Principal, areaCode, status string, pg page.Params) ([]Item, int, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, 0, err
	}
	c, err := p.Subtree(areaCode, "area")
	if err != nil {
		return nil, 0, err
	}
	if status != "" && StatusName[status] == "" {
		return nil, 0, apperr.Field("status", "状态应为 "+StatusName[StatusPending]+"("+StatusPending+")、"+StatusName[StatusAccepted]+"("+StatusAccepted+")或 "+StatusName[StatusRefused]+"("+StatusRefused+")")
	}
	items, n, err := s.Store.Corrections(ctx, c, status, pg)
	if err != nil {
		return nil, 0, fmt.Errorf("record.Corrections: %w", err)
	}
	for i := range items {
		items[i] = items[i].named()
	}
	return items, n, nil
}

// DecisionInput accepts or refuses a correction request. Accepting appends
// Text as an amendment to the record; on a service line, Minutes (when
// given) corrects its hours in the ledger as well. Refusing needs a reason.
type DecisionInput struct {
	Version int    `json:"version" validate:"required,min=1"`
	Reason  string `json:"reason" validate:"required,max=200"`
	Text    string `json:"text" validate:"max=500"`
	Minutes *int   `json:"minutes" validate:"omitempty,min=0,max=1440"`
}

// Accept accepts a pending correction: the amendment is appended under a
// key of the request (a retry appends nothing more), then the request is
// marked accepted at the version read.
func (s *Service) Accept(ctx context.Context, p access.Principal, id string, in DecisionInput) (Item, error) {
	if err := valid.Struct(in); err != nil {
		return Item{}, err
	}
	c, err := s.pending(ctx, p, id, in)
	if err != nil {
		return Item{}, err
	}
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return Item{}, apperr.Field("text", "请填写更正后的内容")
	}
	if in.Minutes != nil {
		if c.Part != PartService {
			return Item{}, apperr.Field("minutes", "只有服务信息可以更正时长")
		}
		// The same correction sent again (a retry) is no error in the
		// ledger; a line corrected otherwise since is, and says so.
		if _, err := s.Ledger.Correct(ctx, p, c.Ref, ledger.CorrectInput{Minutes: *in.Minutes, Reason: "志愿者申请更正: " + strings.TrimSpace(in.Reason)}); err != nil {
			switch apperr.CodeOf(err) {
			case apperr.NotFound:
				return Item{}, apperr.Field("minutes", "所更正的服务记录不存在, 不能更正时长")
			case apperr.Invalid, apperr.Conflict:
				return Item{}, apperr.Field("minutes", apperr.As(err).Message)
			}
			return Item{}, err
		}
	}
	now := s.Now()
	am := Item{ID: "amend:" + c.ID, Kind: KindAmendment, Volunteer: c.Volunteer, Name: c.Name, Areas: c.Areas, Title: c.Title, Part: c.Part, Ref: c.Ref,
		Text: text, Reason: strings.TrimSpace(in.Reason), Correction: c.ID, By: p.ID, ByName: p.Name, At: now, Version: 1}
	if err := s.Store.InsertRecordItem(ctx, am); err != nil && !apperr.Is(err, apperr.Conflict) {
		return Item{}, fmt.Errorf("record.Accept: %w", err)
	}
	return s.decide(ctx, p, c, StatusAccepted, in.Reason)
}

// Refuse refuses a pending correction with a reason the volunteer sees.
func (s *Service) Refuse(ctx context.Context, p access.Principal, id string, in DecisionInput) (Item, error) {
	if err := valid.Struct(in); err != nil {
		return Item{}, err
	}
	c, err := s.pending(ctx, p, id, in)
	if err != nil {
		return Item{}, err
	}
	return s.decide(ctx, p, c, StatusRefused, in.Reason)
}

func (s *Service) pending(ctx context.Context, p access.Principal, id string, in DecisionInput) (Item, error) {
	if err := p.RequireWriter(); err != nil {
		return Item{}, err
	}
	c, err := s.Store.RecordItem(ctx, id)
	if apperr.Is(err, apperr.NotFound) || err == nil && (c.Kind != KindCorrection || !p.Sees(c.Areas)) {
		return Item{}, apperr.NotFoundf("更正申请不存在")
	}
	if err != nil {
		return Item{}, fmt.Errorf("record.pending: %w", err)
	}
	if strings.TrimSpace(in.Reason) == "" {
		return Item{}, apperr.Field("reason", "请填写处理理由")
	}
	if c.Status != StatusPending {
		return Item{}, apperr.Errorf(apperr.Conflict, "该更正申请已处理(%s)", StatusName[c.Status])
	}
	if c.Version != in.Version {
		return Item{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	return c, nil
}

func (s *Service) decide(ctx context.Context, p access.Principal, c Item, status, reason string) (Item, error) {
	now := s.Now()
	c.Status, c.Reason, c.DecidedBy, c.DecidedAt = status, strings.TrimSpace(reason), p.Name, &now
	if err := s.Store.ReplaceRecordItem(ctx, &c); err != nil {
		return Item{}, fmt.Errorf("record.decide: %w", err)
	}
	return c.named(), nil
}
