package registry

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
	"jinhui/shared/valid"
)

// VolunteerInput is what an organizer enters for a volunteer.
type VolunteerInput struct {
	Name         string         `json:"name" validate:"required,max=32"`
	IDNumber     string         `json:"idNumber" validate:"required"`
	Phone        string         `json:"phone" validate:"required"`
	Type         string         `json:"type" validate:"required,oneof=neighbour urban group doctor psychologist other"`
	Village      string         `json:"village" validate:"required"`
	Skills       []string       `json:"skills,omitempty" validate:"max=8,dive,skill"`
	Availability []Availability `json:"availability,omitempty" validate:"max=14,dive"`
	Capacity     int            `json:"capacity" validate:"min=1,max=10"`
	SourceKind   string         `json:"sourceKind" validate:"required,oneof=university social_org individual family"`
	SourceOrg    string         `json:"sourceOrg,omitempty" validate:"max=64"`
}

// Volunteers are 16 to 70 years old on the day they are registered (V2):
// the public form, the organizer's form and every import apply the same
// rule through CheckVolunteerAge.
const (
	VolunteerMinAge = 16
	VolunteerMaxAge = 70
)

// CheckVolunteerAge refuses a birth date outside the volunteer age range
// on now (Beijing time), naming the idNumber field it comes from.
func CheckVolunteerAge(birth, now time.Time) error {
	if age := pii.AgeOn(birth, now.In(clock.Shanghai)); age < VolunteerMinAge || age > VolunteerMaxAge {
		return apperr.Field("idNumber", fmt.Sprintf("志愿者年龄应在 %d 到 %d 周岁之间(按身份证号计算为 %d 周岁)", VolunteerMinAge, VolunteerMaxAge, age))
	}
	return nil
}

func (s *Service) buildVolunteer(ctx context.Context, p access.Principal, in VolunteerInput, v *Volunteer) error {
	id, err := pii.ParseResidentID(in.IDNumber, s.Now())
	if err != nil {
		return apperr.Field("idNumber", err.Error())
	}
	if err := CheckVolunteerAge(id.Birth, s.Now()); err != nil {
		return err
	}
	phone, err := pii.NormalizePhone(in.Phone)
	if err != nil {
		return apperr.Field("phone", err.Error())
	}
	for i, a := range in.Availability {
		if a.To <= a.From { // zero-padded HH:MM compare as strings
			return apperr.Field(fmt.Sprintf("availability[%d].to", i), "结束时间须晚于开始时间")
		}
	}
	vil, err := s.village(ctx, p, in.Village, "village")
	if err != nil {
		return err
	}
	v.Name, v.IDNumber, v.Phone, v.Type = strings.TrimSpace(in.Name), id.Number, phone, in.Type
	v.Village, v.Areas, v.Lat, v.Lon = vil.Code, AreasOf(vil.Code), vil.Lat, vil.Lon
	v.Skills, v.Availability, v.Capacity = in.Skills, in.Availability, in.Capacity
	v.SourceKind, v.SourceOrg = in.SourceKind, in.SourceOrg
	return nil
}

// CreateVolunteer registers an accepted volunteer in p's subtree. The phone
// is the volunteer's login, so it must be unused.
func (s *Service) CreateVolunteer(ctx context.Context, p access.Principal, in VolunteerInput) (Volunteer, error) {
	if err := valid.Struct(in); err != nil {
		return Volunteer{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Volunteer{}, err
	}
	now := s.Now()
	v := Volunteer{ID: NewID(), Status: VolActive, History: []StatusChange{}, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.buildVolunteer(ctx, p, in, &v); err != nil {
		return Volunteer{}, err
	}
	if err := s.Store.InsertVolunteers(ctx, []Volunteer{v}); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return Volunteer{}, apperr.Field("phone", "该手机号已登记为志愿者")
		}
		return Volunteer{}, fmt.Errorf("registry.CreateVolunteer: %w", err)
	}
	return v.Masked(), nil
}

// VolunteerFor returns a volunteer the principal may see: an organizer's
// subtree, or the volunteer themself.
func (s *Service) VolunteerFor(ctx context.Context, p access.Principal, id string) (Volunteer, error) {
	v, err := s.Store.Volunteer(ctx, id)
	if err != nil {
		return Volunteer{}, err
	}
	if !p.Sees(v.Areas) && !(p.Kind == access.KindVolunteer && p.ID == v.ID) {
		return Volunteer{}, apperr.NotFoundf("志愿者不存在")
	}
	return v, nil
}

// Volunteer returns one volunteer with personal data masked.
func (s *Service) Volunteer(ctx context.Context, p access.Principal, id string) (Volunteer, error) {
	v, err := s.VolunteerFor(ctx, p, id)
	return v.Masked(), err
}

// ListVolunteers lists the volunteers in an organizer's subtree, masked.
func (s *Service) ListVolunteers(ctx context.Context, p access.Principal, f Filter) (Page[Volunteer], error) {
	if err := p.RequireOrganizer(); err != nil {
		return Page[Volunteer]{}, err
	}
	c, err := p.Subtree(f.Area, "area")
	if err != nil {
		return Page[Volunteer]{}, err
	}
	f.Area = c
	pg, err := s.Store.Volunteers(ctx, f)
	if err != nil {
		return pg, fmt.Errorf("registry.ListVolunteers: %w", err)
	}
	for i := range pg.Items {
		pg.Items[i] = pg.Items[i].Masked()
	}
	return pg, nil
}

// UpdateVolunteer replaces a volunteer's profile at the version read.
func (s *Service) UpdateVolunteer(ctx context.Context, p access.Principal, id string, version int, in VolunteerInput) (Volunteer, error) {
	if err := valid.Struct(in); err != nil {
		return Volunteer{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Volunteer{}, err
	}
	v, err := s.VolunteerFor(ctx, p, id)
	if err != nil {
		return Volunteer{}, err
	}
	if version != v.Version {
		return Volunteer{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	if err := s.buildVolunteer(ctx, p, in, &v); err != nil {
		return Volunteer{}, err
	}
	v.UpdatedAt = s.Now()
	if err := s.Store.ReplaceVolunteer(ctx, &v); err != nil {
		return Volunteer{}, fmt.Errorf("registry.UpdateVolunteer: %w", err)
	}
	return v.Masked(), nil
}

// ChangeVolunteerStatus pauses, ends or resumes a volunteer's service with
// a reason; the history keeps every change. (The pairing issue opens the
// relay for the volunteer's elders on pause or leave, rule P2.)
func (s *Service) ChangeVolunteerStatus(ctx context.Context, p access.Principal, id string, in StatusInput) (Volunteer, error) {
	if err := valid.Struct(in); err != nil {
		return Volunteer{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Volunteer{}, err
	}
	v, err := s.VolunteerFor(ctx, p, id)
	if err != nil {
		return Volunteer{}, err
	}
	if in.Version != v.Version {
		return Volunteer{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	switch in.Status {
	case VolActive, VolPaused, VolLeft:
	default:
		return Volunteer{}, apperr.Field("status", "状态应为 active、paused 或 left")
	}
	if in.Status == v.Status {
		return Volunteer{}, apperr.Field("status", "状态未变化")
	}
	now := s.Now()
	v.History = append(v.History, StatusChange{From: v.Status, To: in.Status, Date: in.Date, Reason: in.Reason, By: p.ID, ByName: p.Name, At: now})
	v.Status, v.UpdatedAt = in.Status, now
	if err := s.Store.ReplaceVolunteer(ctx, &v); err != nil {
		return Volunteer{}, fmt.Errorf("registry.ChangeVolunteerStatus: %w", err)
	}
	if s.OnVolunteerStatus != nil {
		if err := s.OnVolunteerStatus(ctx, v); err != nil {
			return v.Masked(), fmt.Errorf("registry.ChangeVolunteerStatus: %w", err)
		}
	}
	return v.Masked(), nil
}

// RevealVolunteer returns a volunteer's full ID number and phone to an
// organizer over them, and records the view.
func (s *Service) RevealVolunteer(ctx context.Context, p access.Principal, id string) (map[string]any, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, err
	}
	v, err := s.VolunteerFor(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := s.reveal(ctx, p, "volunteer", v.ID, v.Areas, []string{"idNumber", "phone"}); err != nil {
		return nil, err
	}
	return map[string]any{"idNumber": v.IDNumber, "phone": v.Phone}, nil
}

// Masked returns a copy with ID number and phone masked.
func (v Volunteer) Masked() Volunteer {
	v.IDNumber, v.Phone = pii.MaskID(v.IDNumber), pii.MaskPhone(v.Phone)
	return v
}

// CarerInput registers a neighbour carer (rule C1).
type CarerInput struct {
	Name      string `json:"name" validate:"required,max=32"`
	IDNumber  string `json:"idNumber" validate:"required"`
	Phone     string `json:"phone" validate:"required"`
	Village   string `json:"village" validate:"required"`
	StartDate string `json:"startDate" validate:"required,datetime=2006-01-02"`
}

// CreateCarer registers a carer in p's subtree.
func (s *Service) CreateCarer(ctx context.Context, p access.Principal, in CarerInput) (Carer, error) {
	if err := valid.Struct(in); err != nil {
		return Carer{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Carer{}, err
	}
	id, err := pii.ParseResidentID(in.IDNumber, s.Now())
	if err != nil {
		return Carer{}, apperr.Field("idNumber", err.Error())
	}
	phone, err := pii.NormalizePhone(in.Phone)
	if err != nil {
		return Carer{}, apperr.Field("phone", err.Error())
	}
	vil, err := s.village(ctx, p, in.Village, "village")
	if err != nil {
		return Carer{}, err
	}
	c := Carer{ID: NewID(), Name: strings.TrimSpace(in.Name), IDNumber: id.Number, Phone: phone, Village: vil.Code,
		Areas: AreasOf(vil.Code), Status: VolActive, StartDate: in.StartDate, Version: 1, CreatedAt: s.Now()}
	if err := s.Store.InsertCarers(ctx, []Carer{c}); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return Carer{}, apperr.Field("phone", "该手机号已登记为护理员")
		}
		return Carer{}, fmt.Errorf("registry.CreateCarer: %w", err)
	}
	return c.Masked(), nil
}

// CarerFor returns a carer the principal may see: an organizer's subtree or
// the carer themself.
func (s *Service) CarerFor(ctx context.Context, p access.Principal, id string) (Carer, error) {
	c, err := s.Store.Carer(ctx, id)
	if err != nil {
		return Carer{}, err
	}
	if !p.Sees(c.Areas) && !(p.Kind == access.KindCarer && p.ID == c.ID) {
		return Carer{}, apperr.NotFoundf("护理员不存在")
	}
	return c.Masked(), nil
}

// ListCarers lists the carers in an organizer's subtree, masked.
func (s *Service) ListCarers(ctx context.Context, p access.Principal, f Filter) (Page[Carer], error) {
	if err := p.RequireOrganizer(); err != nil {
		return Page[Carer]{}, err
	}
	f.Area = p.Region
	pg, err := s.Store.Carers(ctx, f)
	for i := range pg.Items {
		pg.Items[i] = pg.Items[i].Masked()
	}
	return pg, err
}

// Masked returns a copy with ID number and phone masked.
func (c Carer) Masked() Carer {
	c.IDNumber, c.Phone = pii.MaskID(c.IDNumber), pii.MaskPhone(c.Phone)
	return c
}
