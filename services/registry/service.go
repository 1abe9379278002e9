package registry

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"jinhui/services/access"
	"jinhui/services/audit"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
	"jinhui/shared/textnorm"
	"jinhui/shared/valid"
)

// Filter selects records of one register inside a subtree.
type Filter struct {
	Area      string     // subtree root; every query has one
	Status    []string   // any of these statuses, optional
	Stage     []string   // elders: any of these intake stages, optional
	Type      string     // volunteers: type, optional
	Name      string     // name prefix, optional
	IDs       []string   // restrict to these ids, optional
	Volunteer string     // elders: paired with this volunteer, optional
	Order     page.Order // a sortable field (ElderSorts, VolunteerSorts, CarerSorts), optional
	Offset    int
	Limit     int
}

// ElderSorts, VolunteerSorts and CarerSorts are the fields the registers
// sort on (each served by an index {areas, field, _id}).
var (
	ElderSorts     = []string{"name", "birthDate", "village", "status"}
	VolunteerSorts = []string{"name", "village", "status"}
	CarerSorts     = []string{"name", "village", "startDate"}
)

// Page is one page of a list with the total count.
type Page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// Storer is what the registry needs from the database. Implementations
// return apperr NotFound for a missing record and Conflict for a unique key
// already taken or a stale version.
type Storer interface {
	PutRegions(ctx context.Context, rs []Region) error
	Region(ctx context.Context, code string) (Region, error)
	ChildRegions(ctx context.Context, parent string) ([]Region, error)
	SetElderQuota(ctx context.Context, code string, quota int) error
	// SetKeyVillage marks a village and every elder of it (one update each).
	SetKeyVillage(ctx context.Context, code string, key bool) error

	InsertElders(ctx context.Context, es []Elder) error
	Elder(ctx context.Context, id string) (Elder, error)
	ElderByIDNumber(ctx context.Context, idNumber string) (Elder, error)
	// ElderIDNumbers returns which of the ID numbers the register holds, in one query.
	ElderIDNumbers(ctx context.Context, numbers []string) ([]string, error)
	// RegionsByCode returns the regions of the codes, in one query.
	RegionsByCode(ctx context.Context, codes []string) ([]Region, error)
	Elders(ctx context.Context, f Filter) (Page[Elder], error)
	CountElders(ctx context.Context, f Filter) (int, error)
	ReplaceElder(ctx context.Context, e *Elder) error
	// ReplaceElders writes each elder over the version it was read at, in
	// one bulk command, and returns the ids of those changed meanwhile
	// (not written).
	ReplaceElders(ctx context.Context, es []Elder) (stale []string, err error)
	AllElders(ctx context.Context, area string, fn func(Elder) error) error

	InsertVolunteers(ctx context.Context, vs []Volunteer) error
	Volunteer(ctx context.Context, id string) (Volunteer, error)
	Volunteers(ctx context.Context, f Filter) (Page[Volunteer], error)
	ReplaceVolunteer(ctx context.Context, v *Volunteer) error
	ReplaceCarer(ctx context.Context, c *Carer) error

	InsertCarers(ctx context.Context, cs []Carer) error
	Carer(ctx context.Context, id string) (Carer, error)
	Carers(ctx context.Context, f Filter) (Page[Carer], error)
}

// Service carries out register operations for a principal, checking on
// every object that it lies inside the principal's reach.
type Service struct {
	Store Storer
	Audit audit.Recorder
	Now   func() time.Time
	// OnVolunteerStatus and OnElderStatus, when set, are called after a
	// status change is stored (pairing opens the relay, rule P2). Their
	// error is returned to the caller; the change itself stays recorded.
	OnVolunteerStatus func(ctx context.Context, v Volunteer) error
	OnElderStatus     func(ctx context.Context, e Elder) error
	// OnCarerStatus, when set, is called after a carer's status change
	// is stored (their sessions end when they leave).
	OnCarerStatus func(ctx context.Context, c Carer) error
}

// NewService returns a Service using the wall clock.
func NewService(s Storer, a audit.Recorder) *Service {
	return &Service{Store: s, Audit: a, Now: time.Now}
}

// NewID returns a new, time-ordered record id.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// Region returns a node inside p's subtree or one of its ancestors (an
// organizer sees the path above them, but nothing beside it).
func (s *Service) Region(ctx context.Context, p access.Principal, code string) (Region, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Region{}, err
	}
	c, err := NormalizeCode(code)
	if err != nil {
		return Region{}, err
	}
	if !Within(c, p.Region) && !Within(p.Region, c) {
		return Region{}, apperr.NotFoundf("区划不存在")
	}
	return s.Store.Region(ctx, c)
}

// Children lists the child nodes of a node in p's subtree.
func (s *Service) Children(ctx context.Context, p access.Principal, code string) ([]Region, error) {
	if code == "" {
		code = p.Region
	}
	r, err := s.Region(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !Within(r.Code, p.Region) {
		return []Region{}, nil
	}
	return s.Store.ChildRegions(ctx, r.Code)
}

// SetElderQuota sets a county's elder quota (rule E4). Only an organizer
// above the county (city or province) may set it.
func (s *Service) SetElderQuota(ctx context.Context, p access.Principal, code string, quota int) (Region, error) {
	if err := access.CityUp.Check(p); err != nil {
		return Region{}, err
	}
	r, err := s.Region(ctx, p, code)
	if err != nil {
		return Region{}, err
	}
	if r.Level != County {
		return Region{}, apperr.Field("code", "名额只能分配给县级区划")
	}
	if !Within(r.Code, p.Region) || r.Code == p.Region {
		return Region{}, apperr.New(apperr.Forbidden, "县级名额由上级(市、省)分配")
	}
	if quota < 0 || quota > 1_000_000 {
		return Region{}, apperr.Field("quota", "名额应在 0 到 1000000 之间")
	}
	if err := s.Store.SetElderQuota(ctx, r.Code, quota); err != nil {
		return Region{}, fmt.Errorf("registry.SetElderQuota: %w", err)
	}
	r.ElderQuota = quota
	return r, nil
}

// KeyVillageInput marks or unmarks a key village, with the reason.
type KeyVillageInput struct {
	Key    *bool  `json:"keyVillage" validate:"required"`
	Reason string `json:"reason" validate:"required,max=200"`
}

// SetKeyVillage marks a village as a key village (重点村) or lifts the mark
// (rule Q2: key villages are always checked). Organizers of the county or
// above over the village; recorded in the audit log with the reason.
func (s *Service) SetKeyVillage(ctx context.Context, p access.Principal, code string, in KeyVillageInput) (Region, error) {
	if err := valid.Struct(in); err != nil {
		return Region{}, err
	}
	if err := access.CountyUp.Check(p); err != nil {
		return Region{}, err
	}
	if in.Key == nil {
		return Region{}, apperr.Field("keyVillage", "请选择是否为重点村")
	}
	if textnorm.Blank(in.Reason) {
		return Region{}, apperr.Field("reason", "请填写原因")
	}
	r, err := s.village(ctx, p, code, "code")
	if err != nil {
		return Region{}, err
	}
	if err := s.Store.SetKeyVillage(ctx, r.Code, *in.Key); err != nil {
		return Region{}, fmt.Errorf("registry.SetKeyVillage: %w", err)
	}
	r.KeyVillage = *in.Key
	err = s.Audit.Record(ctx, audit.Entry{
		ID: NewID(), At: s.Now(), ActorKind: p.Kind, ActorID: p.ID, ActorName: p.Name, Region: p.Region,
		Action: audit.ActionKeyVillage, ObjectType: "region", ObjectID: r.Code, Areas: AreasOf(r.Code),
		Fields: []string{map[bool]string{true: "设为重点村", false: "取消重点村"}[*in.Key]}, Reason: textnorm.Trim(in.Reason),
		RequestID: audit.RequestID(ctx),
	})
	if err != nil {
		return Region{}, fmt.Errorf("registry.SetKeyVillage: %w", err)
	}
	return r, nil
}

// ImportRegions stores nodes read from a CSV file (see ParseRegionsCSV).
// Every node must lie in p's subtree and its parent must exist or be in
// the file; admin only.
func (s *Service) ImportRegions(ctx context.Context, p access.Principal, rs []Region) (int, error) {
	if err := p.RequireAdmin(); err != nil {
		return 0, err
	}
	have := map[string]bool{}
	for _, r := range rs {
		have[r.Code] = true
	}
	for i, r := range rs {
		if !Within(r.Code, p.Region) || r.Code == p.Region {
			return 0, apperr.Field(fmt.Sprintf("rows[%d].code", i+1), "区划不在本级管辖范围内: "+r.Code)
		}
		if !have[r.Parent] {
			if _, err := s.Store.Region(ctx, r.Parent); err != nil {
				return 0, apperr.Field(fmt.Sprintf("rows[%d].code", i+1), "上级区划不存在: "+r.Parent)
			}
		}
	}
	if err := s.Store.PutRegions(ctx, rs); err != nil {
		return 0, fmt.Errorf("registry.ImportRegions: %w", err)
	}
	return len(rs), nil
}

// village returns a village node inside p's subtree, or a field error.
func (s *Service) village(ctx context.Context, p access.Principal, code, field string) (Region, error) {
	return s.villageIn(ctx, p, code, field, nil)
}

// villageIn is village with the villages read already (nil: read it).
func (s *Service) villageIn(ctx context.Context, p access.Principal, code, field string, known map[string]Region) (Region, error) {
	c, err := NormalizeCode(code)
	if err != nil || LevelOf(c) != Village {
		return Region{}, apperr.Field(field, "应为 12 位村级区划代码")
	}
	if !Within(c, p.Region) {
		return Region{}, apperr.Field(field, "该村不在您的管辖范围内")
	}
	if r, ok := known[c]; ok {
		return r, nil
	} else if known != nil {
		return Region{}, apperr.Field(field, "村级区划不存在")
	}
	r, err := s.Store.Region(ctx, c)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return Region{}, apperr.Field(field, "村级区划不存在")
		}
		return Region{}, err
	}
	return r, nil
}

// villages reads the villages named by codes at once (an import's rows):
// the map village uses instead of one read per row (issue 16).
func (s *Service) villages(ctx context.Context, codes []string) (map[string]Region, error) {
	var cs []string
	for _, code := range codes {
		if c, err := NormalizeCode(code); err == nil && LevelOf(c) == Village {
			cs = append(cs, c)
		}
	}
	slices.Sort(cs)
	rs, err := s.Store.RegionsByCode(ctx, slices.Compact(cs))
	if err != nil {
		return nil, fmt.Errorf("registry.villages: %w", err)
	}
	out := make(map[string]Region, len(rs))
	for _, r := range rs {
		out[r.Code] = r
	}
	return out, nil
}

func (s *Service) reveal(ctx context.Context, p access.Principal, typ, id string, areas, fields []string) error {
	err := s.Audit.Record(ctx, audit.Entry{
		ID: NewID(), At: s.Now(), ActorKind: p.Kind, ActorID: p.ID, ActorName: p.Name, Region: p.Region,
		Action: audit.ActionReveal, ObjectType: typ, ObjectID: id, Areas: areas, Fields: fields,
		RequestID: audit.RequestID(ctx),
	})
	if err != nil {
		return fmt.Errorf("registry.reveal: %w", err)
	}
	return nil
}
