package pairing

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// pairID is the key of the seq-th pair of an elder's slot: URL-safe, unique per slot and seq.
func pairID(elder string, slot, seq int) string { return fmt.Sprintf("%s.%d.%d", elder, slot, seq) }

// newPair is what createPair needs.
type newPair struct {
	elder    *registry.Elder
	slot     int
	role     string
	vol      *registry.Volunteer
	source   string
	sourceID string
	reason   string
	x        Explanation
	seq      int // the seq to use; 0 takes the next free one
}

// createPair records a confirmed pair (rule P1). The slot must be free and
// the volunteer must have capacity and not serve the elder already. The
// claim of elder+volunteer is inserted first and the pair second, both
// with unique keys, so concurrent confirmations cannot both win; on
// failure nothing is left behind. A pair already created under the same
// key for the same volunteer (a retried confirmation) is returned as is.
func (s *Service) createPair(ctx context.Context, by access.Principal, np newPair) (Pair, bool, error) {
	e, v := np.elder, np.vol
	pairs, err := s.Store.Pairs(ctx, PairFilter{Elder: e.ID})
	if err != nil {
		return Pair{}, false, fmt.Errorf("pairing.createPair: %w", err)
	}
	seq := 1
	for _, p := range pairs {
		if p.Slot == np.slot {
			seq = max(seq, p.Seq+1)
		}
	}
	if np.seq > 0 {
		if np.seq < seq {
			for _, p := range pairs {
				if p.Slot == np.slot && p.Seq == np.seq && p.Volunteer == v.ID && p.Status == PairActive {
					return p, false, nil
				}
			}
			return Pair{}, false, apperr.New(apperr.Conflict, "该岗位已由其他志愿者接替")
		}
		seq = np.seq
	}
	for _, p := range pairs {
		if p.Status != PairActive {
			continue
		}
		if p.Slot == np.slot {
			return Pair{}, false, apperr.Errorf(apperr.Conflict, "%s的第 %d 个结对岗位已有志愿者", e.Name, np.slot+1)
		}
		if p.Volunteer == v.ID {
			return Pair{}, false, apperr.Field("volunteer", "该志愿者已与这位老人结对")
		}
	}
	st, err := s.settings(ctx, countyOf(e.Village))
	if err != nil {
		return Pair{}, false, err
	}
	if why := usable(v, st.RequireTraining); why != "" {
		return Pair{}, false, apperr.Field("volunteer", why)
	}
	if e.Status != registry.StatusActive {
		return Pair{}, false, apperr.Errorf(apperr.Conflict, "老人当前状态为「%s」, 不能结对", registry.StatusName[e.Status])
	}
	load, err := s.Store.Pairs(ctx, PairFilter{Volunteer: v.ID, Status: PairActive})
	if err != nil {
		return Pair{}, false, fmt.Errorf("pairing.createPair: %w", err)
	}
	if len(load) >= v.Capacity {
		return Pair{}, false, apperr.Field("volunteer", fmt.Sprintf("志愿者%s的结对名额已满(%d)", v.Name, v.Capacity))
	}
	now := s.Now()
	p := Pair{ID: pairID(e.ID, np.slot, seq), Elder: e.ID, ElderName: e.Name, Village: e.Village, Areas: e.Areas, County: countyOf(e.Village),
		Slot: np.slot, Seq: seq, Role: np.role, Volunteer: v.ID, VolunteerName: v.Name, Status: PairActive,
		StartDate: clock.Today(now), Source: np.source, SourceID: np.sourceID, Reason: np.reason, Explanation: np.x,
		By: by.ID, ByName: by.Name, At: now}
	if err := s.claim(ctx, e.ID, v.ID, p.ID); err != nil {
		return Pair{}, false, err
	}
	if err := s.Store.InsertPair(ctx, p); err != nil {
		_ = s.Store.ReleasePairKey(context.WithoutCancel(ctx), e.ID, v.ID)
		if isConflict(err) {
			return Pair{}, false, apperr.New(apperr.Conflict, "该岗位刚被他人结对, 请刷新后重试")
		}
		return Pair{}, false, fmt.Errorf("pairing.createPair: %w", err)
	}
	if err := s.syncElder(ctx, e.ID); err != nil {
		return p, true, err
	}
	return p, true, nil
}

// claim takes the elder+volunteer key, clearing a stale claim whose pair
// ended (a crash between ending a pair and releasing its key).
func (s *Service) claim(ctx context.Context, elder, vol, id string) error {
	for range 2 {
		err := s.Store.ClaimPairKey(ctx, elder, vol, id)
		if !isConflict(err) {
			if err != nil {
				return fmt.Errorf("pairing.claim: %w", err)
			}
			return nil
		}
		held, err := s.Store.PairKey(ctx, elder, vol)
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("pairing.claim: %w", err)
		}
		if held != "" {
			if p, err := s.Store.Pair(ctx, held); err == nil && p.Status == PairActive {
				return apperr.Field("volunteer", "该志愿者已与这位老人结对")
			}
		}
		if err := s.Store.ReleasePairKey(ctx, elder, vol); err != nil {
			return fmt.Errorf("pairing.claim: %w", err)
		}
	}
	return apperr.New(apperr.Conflict, "结对冲突, 请重试")
}

// endPair ends an active pair and releases its key; the elder's access
// list follows. Ending a pair that already ended is not an error.
func (s *Service) endPair(ctx context.Context, by access.Principal, p Pair, kind, reason string) error {
	err := s.Store.EndPair(ctx, p.ID, s.Now(), kind, reason, by.ID)
	if err != nil && !isConflict(err) {
		return fmt.Errorf("pairing.endPair: %w", err)
	}
	if err := s.Store.ReleasePairKey(ctx, p.Elder, p.Volunteer); err != nil && !isNotFound(err) {
		return fmt.Errorf("pairing.endPair: %w", err)
	}
	return s.syncElder(ctx, p.Elder)
}

// syncElder sets the elder's Volunteers, which grants volunteers access to
// the elder, to the volunteers of the elder's active pairs. It is derived
// data: any call repairs a drift.
func (s *Service) syncElder(ctx context.Context, elder string) error {
	for range 4 {
		e, err := s.Store.Elder(ctx, elder)
		if err != nil {
			return fmt.Errorf("pairing.syncElder: %w", err)
		}
		ps, err := s.Store.Pairs(ctx, PairFilter{Elder: elder, Status: PairActive})
		if err != nil {
			return fmt.Errorf("pairing.syncElder: %w", err)
		}
		want := []string{}
		for _, p := range ps {
			want = append(want, p.Volunteer)
		}
		slices.Sort(want)
		have := slices.Clone(e.Volunteers)
		slices.Sort(have)
		if slices.Equal(want, have) {
			return nil
		}
		e.Volunteers = want
		err = s.Store.ReplaceElder(ctx, &e)
		if !isConflict(err) {
			if err != nil {
				return fmt.Errorf("pairing.syncElder: %w", err)
			}
			return nil
		}
	}
	return apperr.New(apperr.Conflict, "老人记录正被频繁修改, 请稍后重试")
}

// firstVisitBy is the first-visit window of a new pair: within two weeks,
// said as 本月D日前 or M月D日前 (rule S1 asks for 1–2 visits a month).
func firstVisitBy(now time.Time) string {
	t := now.In(clock.Shanghai)
	d := t.AddDate(0, 0, 14)
	if d.Month() == t.Month() {
		return fmt.Sprintf("本月%d日前", d.Day())
	}
	return fmt.Sprintf("%d月%d日前", int(d.Month()), d.Day())
}

// elderCall is how an SMS names an elder without the full name.
func elderCall(e *registry.Elder) string {
	r := []rune(e.Name)
	if len(r) == 0 {
		return "老人"
	}
	if e.Gender == "女" {
		return string(r[0]) + "大娘"
	}
	return string(r[0]) + "大爷"
}

func (s *Service) villageName(ctx context.Context, code string) string {
	if r, err := s.Store.Region(ctx, code); err == nil {
		return r.Name
	}
	return code
}

// notifyPair texts the volunteer of a new pair: the elder's village and the
// first-visit window. The key is the pair, so a retry texts once.
func (s *Service) notifyPair(ctx context.Context, p Pair, e *registry.Elder, v *registry.Volunteer, h *Handover) error {
	if s.SMS == nil || v.Phone == "" {
		return nil
	}
	body := pairText(v, s.villageName(ctx, e.Village), e, h, s.Now())
	if err := s.SMS.Send(ctx, "pair:"+p.ID, v.Phone, "pairing", body); err != nil {
		return fmt.Errorf("pairing.notifyPair: %w", err)
	}
	return nil
}

// pairText is the text to the volunteer of a new pair (h: a relay's handover).
func pairText(v *registry.Volunteer, vil string, e *registry.Elder, h *Handover, now time.Time) string {
	var body string
	if h != nil {
		body = fmt.Sprintf("【金晖助老】%s您好, 您将接力服务%s的%s", v.Name, vil, elderCall(e))
		if h.FromName != "" {
			body += "(原结对志愿者: " + h.FromName + ")"
		}
		body += ", 交接记录已在平台上; "
		if h.JointVisit != "" {
			body += "联合首访日期 " + h.JointVisit + "; "
		}
		body += "请于" + firstVisitBy(now) + "完成首次探访。"
	} else {
		body = fmt.Sprintf("【金晖助老】%s您好, 您已与%s的%s结对, 请于%s完成首次探访, 详情请登录平台查看。", v.Name, vil, elderCall(e), firstVisitBy(now))
	}
	return body
}

// ListPairs lists pairs in an organizer's subtree, or a volunteer's own.
func (s *Service) ListPairs(ctx context.Context, p access.Principal, f PairFilter, pg page.Params) ([]Pair, int, error) {
	switch p.Kind {
	case access.KindOrganizer:
		a, err := regionFor(p, f.Area, "area")
		if err != nil {
			return nil, 0, err
		}
		f.Area, f.County = a, ""
	case access.KindVolunteer:
		f.Area, f.County, f.Volunteer = "", "", p.ID
	default:
		return nil, 0, apperr.ErrForbidden
	}
	if f.Status != "" && f.Status != PairActive && f.Status != PairEnded {
		return nil, 0, apperr.Field("status", "状态应为 active 或 ended")
	}
	ps, n, err := s.Store.PairPage(ctx, f, pg)
	if err != nil {
		return nil, 0, fmt.Errorf("pairing.ListPairs: %w", err)
	}
	return ps, n, nil
}

// pairFor returns a pair the principal may see: an organizer's subtree or
// the volunteer's own.
func (s *Service) pairFor(ctx context.Context, p access.Principal, id string) (Pair, error) {
	pr, err := s.Store.Pair(ctx, id)
	if err != nil {
		if isNotFound(err) {
			return Pair{}, apperr.NotFoundf("结对记录不存在")
		}
		return Pair{}, err
	}
	if !p.Sees(pr.Areas) && !(p.Kind == access.KindVolunteer && p.ID == pr.Volunteer) {
		return Pair{}, apperr.NotFoundf("结对记录不存在")
	}
	return pr, nil
}

// GetPair returns one pair.
func (s *Service) GetPair(ctx context.Context, p access.Principal, id string) (Pair, error) {
	return s.pairFor(ctx, p, id)
}

// NotesInput is an outgoing volunteer's or organizer's notes on an elder.
// Notes is required: a body without it (`{}`) is refused rather than read
// as "wipe the notes"; `{"notes": {}}` clears them on purpose.
type NotesInput struct {
	Notes *Notes `json:"notes" validate:"required"`
}

// SetNotes records notes on a pair for a future handover: the pair's own
// volunteer, or a writer over the elder.
func (s *Service) SetNotes(ctx context.Context, p access.Principal, id string, in NotesInput) (Pair, error) {
	if err := valid.Struct(in); err != nil {
		return Pair{}, err
	}
	if in.Notes == nil {
		return Pair{}, apperr.Field("notes", "请填写交接备注(偏好、风险、有效做法)")
	}
	pr, err := s.pairFor(ctx, p, id)
	if err != nil {
		return Pair{}, err
	}
	if p.Kind == access.KindOrganizer {
		if err := p.RequireWriter(); err != nil {
			return Pair{}, err
		}
	}
	if err := s.Store.SetPairNotes(ctx, pr.ID, *in.Notes); err != nil {
		return Pair{}, fmt.Errorf("pairing.SetNotes: %w", err)
	}
	pr.Notes = *in.Notes
	return pr, nil
}

// EndInput ends a pair by hand, with a reason.
type EndInput struct {
	Reason string `json:"reason" validate:"required,min=2,max=500"`
}

// EndPair ends an active pair by an organizer's decision (rule P2): the
// slot opens and the elder enters the relay queue.
func (s *Service) EndPair(ctx context.Context, p access.Principal, id string, in EndInput) (Relay, error) {
	if err := valid.Struct(in); err != nil {
		return Relay{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Relay{}, err
	}
	pr, err := s.pairFor(ctx, p, id)
	if err != nil {
		return Relay{}, err
	}
	if pr.Status != PairActive {
		return Relay{}, apperr.New(apperr.Conflict, "该结对已经结束")
	}
	return s.openSlot(ctx, p, pr, ReasonManual, strings.TrimSpace(in.Reason))
}
