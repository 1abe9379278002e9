package wish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
	"jinhui/shared/valid"
)

// Input records an elder's small need.
type Input struct {
	Elder    string `json:"elder" validate:"required,max=64"`
	Category string `json:"category" validate:"required,oneof=coat heater glasses repair daily other"`
	Need     string `json:"need" validate:"required,min=2,max=40"`
	Detail   string `json:"detail,omitempty" validate:"max=300"`
	Value    int    `json:"value" validate:"min=1,max=5000"`
	// Key is chosen once by a phone that records the wish offline: the wish
	// is stored under it, so a resend records it once.
	Key string `json:"key,omitempty" validate:"omitempty,min=8,max=64"`
}

// Decision approves or rejects a wish or a post.
type Decision struct {
	Version int    `json:"version" validate:"required"`
	Note    string `json:"note,omitempty" validate:"max=300"`
}

var (
	digitsRe = regexp.MustCompile(`\d{7,}|\d{3}[- ]\d{4}[- ]\d{4}`)
	idRe     = regexp.MustCompile(`\d{17}[\dXx]`)
)

// personalData reports what in text would identify a person: a phone or
// ID number, or one of names.
func personalData(text string, names []string) string {
	compact := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, text)
	if idRe.MatchString(compact) {
		return "身份证号"
	}
	if digitsRe.MatchString(text) || digitsRe.MatchString(compact) {
		return "电话号码或证件号"
	}
	for _, n := range names {
		if len([]rune(n)) >= 2 && strings.Contains(compact, n) {
			return "老人姓名"
		}
	}
	return ""
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

// AgeBand is the decade of an age that the public sees ("70–79岁"); 90
// and over are one band, so that the oldest are not singled out.
func AgeBand(birth string, on time.Time) string {
	b, err := time.ParseInLocation(time.DateOnly, birth, clock.Shanghai)
	if err != nil {
		return "65岁以上"
	}
	age := pii.AgeOn(b, on.In(clock.Shanghai))
	switch {
	case age >= 90:
		return "90岁以上"
	case age < 60:
		return "60岁以下"
	}
	d := age / 10 * 10
	return fmt.Sprintf("%d–%d岁", d, d+9)
}

func maskPhone(s string) string { return pii.MaskPhone(s) }

// mayRecord reports whether p may record a need for e: an organizer who
// may write in e's subtree, or a volunteer currently paired with e.
func mayRecord(p access.Principal, e registry.Elder) bool {
	if p.Kind == access.KindVolunteer {
		return slices.Contains(e.Volunteers, p.ID)
	}
	return p.CanWrite() && p.Sees(e.Areas)
}

// Record stores a new wish for approval (rule R3). A volunteer records
// for their own paired elder; an organizer inside their subtree. The need
// and detail may not name the elder or carry a phone or ID number: the
// public will read them. Errors: NotFound for an elder the caller may not
// reach, Invalid naming the field.
func (s *Service) Record(ctx context.Context, p access.Principal, in Input) (Wish, error) {
	if err := valid.Struct(in); err != nil {
		return Wish{}, err
	}
	// A phone resends an offline wish until it hears back: the one stored
	// under its key answers, whatever changed since (the elder unpaired…).
	if in.Key != "" {
		old, err := s.Store.Wish(ctx, keyedID(p, in.Key))
		switch {
		case err == nil && old.Elder == in.Elder:
			return old.Masked(), nil
		case err == nil:
			return Wish{}, apperr.Field("key", "该离线登记编号已用于另一位老人的心愿, 请重新登记")
		case !apperr.Is(err, apperr.NotFound):
			return Wish{}, fmt.Errorf("wish.Record: %w", err)
		}
	}
	e, err := s.Store.Elder(ctx, in.Elder)
	if err != nil || !mayRecord(p, e) {
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return Wish{}, fmt.Errorf("wish.Record: %w", err)
		}
		return Wish{}, apperr.NotFoundf("老人不存在")
	}
	if e.Status != registry.StatusActive {
		return Wish{}, apperr.Field("elder", "该老人当前不在册, 不能登记心愿")
	}
	need, detail := cleanText(in.Need), cleanText(in.Detail)
	if what := personalData(need, []string{e.Name}); what != "" {
		return Wish{}, apperr.Field("need", "心愿内容将公开展示, 不能包含"+what)
	}
	if what := personalData(detail, []string{e.Name}); what != "" {
		return Wish{}, apperr.Field("detail", "心愿说明将公开展示, 不能包含"+what)
	}
	if len([]rune(need)) < 2 {
		return Wish{}, apperr.Field("need", "请填写心愿内容")
	}
	now := s.Now()
	county := area.AncestorAt(e.Village, area.County)
	w := Wish{ID: s.NewID(), Elder: e.ID, ElderName: e.Name, Village: e.Village, County: county, Areas: e.Areas,
		AgeBand: AgeBand(e.BirthDate, now), Category: in.Category, Need: need, Detail: detail, Value: in.Value,
		Status: StatusPending, Steps: []Step{{Kind: StepRecorded, By: p.ID, ByName: p.Name, At: now}}, Version: 1, CreatedAt: now, UpdatedAt: now}
	if r, err := s.Store.Region(ctx, e.Village); err == nil {
		w.VillageName = r.Name
	}
	if r, err := s.Store.Region(ctx, county); err == nil {
		w.CountyName = r.Name
	}
	if in.Key != "" {
		w.ID = keyedID(p, in.Key)
	}
	if err := s.Store.InsertWish(ctx, w); err != nil {
		if in.Key != "" && apperr.Is(err, apperr.Conflict) {
			// Sent before (the phone resends until it hears back): the first one stands.
			if old, gerr := s.Store.Wish(ctx, w.ID); gerr == nil && old.Elder == w.Elder {
				return old.Masked(), nil
			}
		}
		return Wish{}, fmt.Errorf("wish.Record: %w", err)
	}
	return w, nil
}

// Get returns a wish the caller may see: an organizer's subtree, or a
// volunteer paired with the elder.
func (s *Service) Get(ctx context.Context, p access.Principal, id string) (Wish, error) {
	w, err := s.Store.Wish(ctx, id)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return Wish{}, apperr.NotFoundf("心愿不存在")
		}
		return Wish{}, fmt.Errorf("wish.Get: %w", err)
	}
	if p.Sees(w.Areas) {
		return w.Masked(), nil
	}
	if p.Kind == access.KindVolunteer {
		if e, err := s.Store.Elder(ctx, w.Elder); err == nil && slices.Contains(e.Volunteers, p.ID) {
			return w.Masked(), nil
		}
	}
	return Wish{}, apperr.NotFoundf("心愿不存在")
}

// List lists wishes: an organizer's subtree (or area inside it), a
// volunteer's paired elders.
func (s *Service) List(ctx context.Context, p access.Principal, f Filter) ([]Wish, int, error) {
	switch {
	case p.IsOrganizer():
		if f.Area == "" {
			f.Area = p.Region
		} else if c, err := area.NormalizeCode(f.Area); err != nil || !area.Within(c, p.Region) {
			return nil, 0, apperr.Field("area", "该区划不在您的管辖范围内")
		} else {
			f.Area = c
		}
	case p.Kind == access.KindVolunteer:
		ids, err := s.Store.VolunteerElders(ctx, p.ID)
		if err != nil {
			return nil, 0, fmt.Errorf("wish.List: %w", err)
		}
		if len(ids) == 0 {
			return []Wish{}, 0, nil
		}
		f.Area, f.Elders = "", ids
	default:
		return nil, 0, access.StaffOrVolunteer.Check(p)
	}
	ws, n, err := s.Store.Wishes(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("wish.List: %w", err)
	}
	for i := range ws {
		ws[i] = ws[i].Masked()
	}
	return ws, n, nil
}

// decide loads a wish an organizer may change and checks its version.
func (s *Service) decide(ctx context.Context, p access.Principal, id string, d Decision) (Wish, error) {
	if err := p.RequireWriter(); err != nil {
		return Wish{}, err
	}
	w, err := s.Store.Wish(ctx, id)
	if err != nil || !p.Sees(w.Areas) {
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return Wish{}, fmt.Errorf("wish.decide: %w", err)
		}
		return Wish{}, apperr.NotFoundf("心愿不存在")
	}
	if w.Version != d.Version {
		return Wish{}, apperr.New(apperr.Conflict, "心愿已被他人修改, 请刷新后重试")
	}
	if w.Status != StatusPending {
		return Wish{}, apperr.New(apperr.Conflict, "该心愿已审核")
	}
	return w, nil
}

// Approve publishes a pending wish (an organizer of its subtree).
func (s *Service) Approve(ctx context.Context, p access.Principal, id string, d Decision) (Wish, error) {
	if err := valid.Struct(d); err != nil {
		return Wish{}, err
	}
	w, err := s.decide(ctx, p, id, d)
	if err != nil {
		return Wish{}, err
	}
	now := s.Now()
	w.Status, w.UpdatedAt = StatusPublished, now
	w.Steps = append(w.Steps, Step{Kind: StepApproved, By: p.ID, ByName: p.Name, Note: cleanText(d.Note), At: now})
	if err := s.Store.ReplaceWish(ctx, &w); err != nil {
		return Wish{}, fmt.Errorf("wish.Approve: %w", err)
	}
	s.changed(ctx)
	return w.Masked(), nil
}

// Reject refuses a pending wish with a reason.
func (s *Service) Reject(ctx context.Context, p access.Principal, id string, d Decision) (Wish, error) {
	if err := valid.Struct(d); err != nil {
		return Wish{}, err
	}
	if strings.TrimSpace(d.Note) == "" {
		return Wish{}, apperr.Field("note", "请说明不予发布的原因")
	}
	w, err := s.decide(ctx, p, id, d)
	if err != nil {
		return Wish{}, err
	}
	now := s.Now()
	w.Status, w.UpdatedAt = StatusRejected, now
	w.Steps = append(w.Steps, Step{Kind: StepRejected, By: p.ID, ByName: p.Name, Note: cleanText(d.Note), At: now})
	if err := s.Store.ReplaceWish(ctx, &w); err != nil {
		return Wish{}, fmt.Errorf("wish.Reject: %w", err)
	}
	return w.Masked(), nil
}

// keyedID is the id of a wish recorded under a phone's key: the key is
// scoped to the recorder, so another person's key never reaches it.
func keyedID(p access.Principal, key string) string {
	sum := sha256.Sum256([]byte(p.ID + "|" + key))
	return "k" + hex.EncodeToString(sum[:12])
}
