package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
	"jinhui/shared/valid"
)

// ElderInput is what an organizer enters for an elder (rule E2).
type ElderInput struct {
	Name        string    `json:"name" validate:"required,max=32"`
	IDNumber    string    `json:"idNumber" validate:"required"`
	Phone       string    `json:"phone,omitempty"`
	Village     string    `json:"village" validate:"required"`
	Address     string    `json:"address,omitempty" validate:"max=200"`
	Lat         float64   `json:"lat,omitempty" validate:"omitempty,latitude"`
	Lon         float64   `json:"lon,omitempty" validate:"omitempty,longitude"`
	Poor        bool      `json:"poor"`
	PovertyNo   string    `json:"povertyNo,omitempty" validate:"max=32"`
	LeftBehind  bool      `json:"leftBehind"`
	Bereaved    bool      `json:"bereaved"`
	Family      Family    `json:"family"`
	Health      Health    `json:"health"`
	Needs       Needs     `json:"needs"`
	Preferences string    `json:"preferences,omitempty" validate:"max=500"`
	Contacts    []Contact `json:"contacts,omitempty" validate:"max=5,dive"`
}

// build checks the input's identity, phones and village and returns the
// record fields it sets. Errors name the field.
func (s *Service) build(ctx context.Context, p access.Principal, in ElderInput, e *Elder) error {
	return s.buildIn(ctx, p, in, e, nil)
}

// buildIn is build with the villages read already (see villages).
func (s *Service) buildIn(ctx context.Context, p access.Principal, in ElderInput, e *Elder, known map[string]Region) error {
	id, err := pii.ParseResidentID(in.IDNumber, s.Now())
	if err != nil {
		return apperr.Field("idNumber", err.Error())
	}
	phone := ""
	if strings.TrimSpace(in.Phone) != "" {
		if phone, err = pii.NormalizePhone(in.Phone); err != nil {
			return apperr.Field("phone", err.Error())
		}
	}
	contacts := make([]Contact, len(in.Contacts))
	for i, c := range in.Contacts {
		ph, err := pii.NormalizePhone(c.Phone)
		if err != nil {
			return apperr.Field(fmt.Sprintf("contacts[%d].phone", i), err.Error())
		}
		contacts[i] = Contact{Name: strings.TrimSpace(c.Name), Relation: c.Relation, Phone: ph}
	}
	v, err := s.villageIn(ctx, p, in.Village, "village", known)
	if err != nil {
		return err
	}
	e.Name, e.IDNumber, e.Phone = strings.TrimSpace(in.Name), id.Number, phone
	e.Gender = "男"
	if id.Female {
		e.Gender = "女"
	}
	e.BirthDate = id.Birth.Format("2006-01-02")
	e.Village, e.Areas, e.Address, e.KeyVillage = v.Code, AreasOf(v.Code), in.Address, v.KeyVillage
	e.Lat, e.Lon = in.Lat, in.Lon
	if e.Lat == 0 && e.Lon == 0 {
		e.Lat, e.Lon = v.Lat, v.Lon
	}
	e.Poor, e.PovertyNo, e.LeftBehind, e.Bereaved = in.Poor, in.PovertyNo, in.LeftBehind, in.Bereaved
	e.Family, e.Health, e.Needs, e.Preferences, e.Contacts = in.Family, in.Health, in.Needs, in.Preferences, contacts
	e.Eligibility = CheckEligibility(e, pii.AgeOn(id.Birth, s.Now().In(clock.Shanghai)))
	return nil
}

// ProposeElder records a candidate found by a township's survey (rule E4,
// step 1). Township organizers and the levels above may propose; the elder
// then waits for the county's approval.
func (s *Service) ProposeElder(ctx context.Context, p access.Principal, in ElderInput) (Elder, error) {
	if err := valid.Struct(in); err != nil {
		return Elder{}, err
	}
	if err := access.TownshipUp.Check(p); err != nil {
		return Elder{}, err
	}
	now := s.Now()
	e := Elder{ID: NewID(), Status: StatusPending, Stage: StageProposed, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := s.build(ctx, p, in, &e); err != nil {
		return Elder{}, err
	}
	e.Intake = []IntakeStep{{Stage: StageProposed, By: p.ID, ByName: p.Name, Region: p.Region, At: now}}
	e.History = []StatusChange{}
	if err := s.Store.InsertElders(ctx, []Elder{e}); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return Elder{}, apperr.Field("idNumber", "该身份证号已登记")
		}
		return Elder{}, fmt.Errorf("registry.ProposeElder: %w", err)
	}
	return e, nil
}

// ElderFor returns an elder the principal may see: an organizer's subtree,
// or a volunteer paired with the elder.
func (s *Service) ElderFor(ctx context.Context, p access.Principal, id string) (Elder, error) {
	e, err := s.Store.Elder(ctx, id)
	if err != nil {
		return Elder{}, err
	}
	switch {
	case p.Sees(e.Areas):
	case p.Kind == access.KindVolunteer && slices.Contains(e.Volunteers, p.ID):
	default:
		return Elder{}, apperr.NotFoundf("老人不存在")
	}
	return e, nil
}

// ElderReader reads one elder by id, as every store that acts on elders can.
type ElderReader interface {
	Elder(ctx context.Context, id string) (Elder, error)
}

// StaffElder returns the elder an organizer acts on: staff only, and the
// elder in their subtree (403 naming 老人 outside it). Code cards and the
// family circle act on elders this way.
func StaffElder(ctx context.Context, st ElderReader, p access.Principal, id string) (Elder, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Elder{}, err
	}
	e, err := st.Elder(ctx, id)
	if err != nil {
		return Elder{}, err
	}
	if err := p.RequireArea(e.Areas, "老人"); err != nil {
		return Elder{}, err
	}
	return e, nil
}

// Elder returns one elder with personal data masked.
func (s *Service) Elder(ctx context.Context, p access.Principal, id string) (Elder, error) {
	e, err := s.ElderFor(ctx, p, id)
	return e.Masked(), err
}

// ListElders lists elders with personal data masked. Organizers see their
// subtree (f.Area narrows it); volunteers see only the elders they serve.
func (s *Service) ListElders(ctx context.Context, p access.Principal, f Filter) (Page[Elder], error) {
	switch p.Kind {
	case access.KindOrganizer:
		c, err := p.Subtree(f.Area, "area")
		if err != nil {
			return Page[Elder]{}, err
		}
		f.Area = c
	case access.KindVolunteer:
		f.Area = ""
		f.Volunteer = p.ID
	default:
		return Page[Elder]{}, apperr.ErrForbidden
	}
	pg, err := s.Store.Elders(ctx, f)
	if err != nil {
		return pg, fmt.Errorf("registry.ListElders: %w", err)
	}
	for i := range pg.Items {
		pg.Items[i] = pg.Items[i].Masked()
	}
	return pg, nil
}

// UpdateElder replaces the editable fields of an elder. Version must be the
// version the organizer read; a stale version is a Conflict.
func (s *Service) UpdateElder(ctx context.Context, p access.Principal, id string, version int, in ElderInput) (Elder, error) {
	if err := valid.Struct(in); err != nil {
		return Elder{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Elder{}, err
	}
	e, err := s.ElderFor(ctx, p, id)
	if err != nil {
		return Elder{}, err
	}
	if version != e.Version {
		return Elder{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	oldID := e.IDNumber
	if err := s.build(ctx, p, in, &e); err != nil {
		return Elder{}, err
	}
	if e.IDNumber != oldID {
		if other, err := s.Store.ElderByIDNumber(ctx, e.IDNumber); err == nil && other.ID != e.ID {
			return Elder{}, apperr.Field("idNumber", "该身份证号已登记")
		}
	}
	e.UpdatedAt = s.Now()
	if err := s.Store.ReplaceElder(ctx, &e); err != nil {
		return Elder{}, fmt.Errorf("registry.UpdateElder: %w", err)
	}
	return e.Masked(), nil
}

// StatusInput is a status change of rule E3.
type StatusInput struct {
	Status  string `json:"status" validate:"required"`
	Date    string `json:"date" validate:"required,datetime=2006-01-02"`
	Reason  string `json:"reason" validate:"required,max=500"`
	Version int    `json:"version" validate:"required"`
}

// ChangeElderStatus records a status change with date and reason (rule E3);
// nothing is deleted and the history keeps every change.
func (s *Service) ChangeElderStatus(ctx context.Context, p access.Principal, id string, in StatusInput) (Elder, error) {
	if err := valid.Struct(in); err != nil {
		return Elder{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Elder{}, err
	}
	e, err := s.ElderFor(ctx, p, id)
	if err != nil {
		return Elder{}, err
	}
	if in.Version != e.Version {
		return Elder{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	if _, ok := StatusName[in.Status]; !ok || in.Status == StatusPending || in.Status == StatusRejected {
		return Elder{}, apperr.Field("status", "状态应为 active、moved、hospitalised、centralised、deceased 或 left")
	}
	if !CanMove(e.Status, in.Status) {
		return Elder{}, apperr.Field("status", fmt.Sprintf("不能从「%s」变更为「%s」", StatusName[e.Status], StatusName[in.Status]))
	}
	if d, err := clock.ParseDate(in.Date); err != nil || d.After(s.Now()) {
		return Elder{}, apperr.Field("date", "日期无效或晚于今天")
	}
	now := s.Now()
	e.History = append(e.History, StatusChange{From: e.Status, To: in.Status, Date: in.Date, Reason: in.Reason, By: p.ID, ByName: p.Name, At: now})
	e.Status, e.UpdatedAt = in.Status, now
	if err := s.Store.ReplaceElder(ctx, &e); err != nil {
		return Elder{}, fmt.Errorf("registry.ChangeElderStatus: %w", err)
	}
	if s.OnElderStatus != nil {
		if err := s.OnElderStatus(ctx, e); err != nil {
			return e.Masked(), fmt.Errorf("registry.ChangeElderStatus: %w", err)
		}
	}
	return e.Masked(), nil
}

// OverrideInput is an organizer's eligibility decision (rule E1).
type OverrideInput struct {
	Eligible bool   `json:"eligible"`
	Reason   string `json:"reason" validate:"required,min=4,max=500"`
	Version  int    `json:"version" validate:"required"`
}

// OverrideEligibility records an organizer's decision against rule E1, with
// who and why; the computed reasons stay visible beside it.
func (s *Service) OverrideEligibility(ctx context.Context, p access.Principal, id string, in OverrideInput) (Elder, error) {
	if err := valid.Struct(in); err != nil {
		return Elder{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Elder{}, err
	}
	e, err := s.ElderFor(ctx, p, id)
	if err != nil {
		return Elder{}, err
	}
	if in.Version != e.Version {
		return Elder{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	e.Eligibility.Override = &Override{Eligible: in.Eligible, Reason: in.Reason, By: p.ID, ByName: p.Name, At: s.Now()}
	e.Eligibility.Eligible = in.Eligible
	e.UpdatedAt = s.Now()
	if err := s.Store.ReplaceElder(ctx, &e); err != nil {
		return Elder{}, fmt.Errorf("registry.OverrideEligibility: %w", err)
	}
	return e.Masked(), nil
}

// RevealElder returns the full values of an elder's personal data and
// records the view in the audit log. Volunteers may reveal only phones.
func (s *Service) RevealElder(ctx context.Context, p access.Principal, id string) (map[string]any, error) {
	e, err := s.ElderFor(ctx, p, id)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"phone": e.Phone, "contacts": e.Contacts}
	fields := []string{"phone", "contacts"}
	if p.IsOrganizer() {
		out["idNumber"], out["healthNotes"], out["familyNotes"] = e.IDNumber, e.Health.Notes, e.Family.Notes
		fields = append(fields, "idNumber", "healthNotes", "familyNotes")
	}
	if err := s.reveal(ctx, p, "elder", e.ID, e.Areas, fields); err != nil {
		return nil, err
	}
	return out, nil
}

// Masked returns a copy with ID number, phones and notes masked.
func (e Elder) Masked() Elder {
	e.IDNumber = pii.MaskID(e.IDNumber)
	e.Phone = pii.MaskPhone(e.Phone)
	cs := make([]Contact, len(e.Contacts))
	for i, c := range e.Contacts {
		c.Phone = pii.MaskPhone(c.Phone)
		cs[i] = c
	}
	e.Contacts = cs
	e.Health.Notes = pii.MaskText(e.Health.Notes)
	e.Family.Notes = pii.MaskText(e.Family.Notes)
	return e
}
