package pairing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// PairFilter selects pairs; empty fields do not filter.
type PairFilter struct {
	Area      string
	County    string
	Elder     string
	Volunteer string
	Status    string
	// Order is a field of PairSorts (empty: by key), for pages only.
	Order page.Order
}

// RelayFilter selects relays; empty fields do not filter.
type RelayFilter struct {
	Area   string
	Elder  string
	Status string
	// Order is a field of RelaySorts (empty: oldest first), for pages only.
	Order page.Order
}

// PairSorts and RelaySorts are the columns the pair and relay lists sort
// on, on the server (each served by an index on the subtree and the column).
var (
	PairSorts  = []string{"elderName", "volunteerName", "village", "startDate", "status"}
	RelaySorts = []string{"elderName", "village", "openedAt", "status"}
)

// RuleFilter selects pins and forbids.
type RuleFilter struct {
	Area       string
	County     string
	Elder      string
	Volunteer  string
	ActiveOnly bool
}

// Store is what pairing needs from the database: the registers it reads,
// and its own collections. Implementations return apperr NotFound for a
// missing record and Conflict for a key already taken or a stale version.
type Store interface {
	// SavedReport decodes into v the report saved under key if it was
	// made at the registers' present generation (ok), and returns that
	// generation; SaveReport saves one made at gen. Every write to the
	// elders, volunteers, pairs, relays or settings advances it.
	SavedReport(ctx context.Context, key string, v any) (gen int64, ok bool, err error)
	SaveReport(ctx context.Context, key string, gen int64, v any) error
	Region(ctx context.Context, code string) (registry.Region, error)
	ChildRegions(ctx context.Context, parent string) ([]registry.Region, error)
	Elder(ctx context.Context, id string) (registry.Elder, error)
	ReplaceElder(ctx context.Context, e *registry.Elder) error
	Volunteer(ctx context.Context, id string) (registry.Volunteer, error)
	AllElders(ctx context.Context, area string, fn func(registry.Elder) error) error
	// ActiveElders streams every elder whose status is active, in any region.
	ActiveElders(ctx context.Context, fn func(registry.Elder) error) error
	// AllVolunteers streams every volunteer of a subtree.
	AllVolunteers(ctx context.Context, area string, fn func(registry.Volunteer) error) error

	PairingSettings(ctx context.Context, county string) (Settings, error)
	// PutPairingSettings inserts s when s.Version is 0, else replaces the
	// stored version s.Version; either way it bumps s.Version.
	PutPairingSettings(ctx context.Context, s *Settings) error

	InsertPair(ctx context.Context, p Pair) error
	Pair(ctx context.Context, id string) (Pair, error)
	Pairs(ctx context.Context, f PairFilter) ([]Pair, error)
	// PairPage is one page of the pairs matching f, and their number.
	PairPage(ctx context.Context, f PairFilter, pg page.Params) ([]Pair, int, error)
	// EndPair moves an active pair to ended; Conflict if it is not active.
	EndPair(ctx context.Context, id string, at time.Time, kind, reason, by string) error
	SetPairNotes(ctx context.Context, id string, n Notes) error
	// SetLastVisit records a completed visit on a pair (the visits feature calls it).
	SetLastVisit(ctx context.Context, id string, at time.Time) error
	// ClaimPairKey claims elder+volunteer for pairID (one active pair of a
	// volunteer per elder); Conflict when claimed already.
	ClaimPairKey(ctx context.Context, elder, volunteer, pairID string) error
	PairKey(ctx context.Context, elder, volunteer string) (string, error)
	ReleasePairKey(ctx context.Context, elder, volunteer string) error

	InsertRelay(ctx context.Context, r Relay) error
	Relay(ctx context.Context, id string) (Relay, error)
	Relays(ctx context.Context, f RelayFilter) ([]Relay, error)
	// RelayPage is one page of the relays matching f, and their number.
	RelayPage(ctx context.Context, f RelayFilter, pg page.Params) ([]Relay, int, error)
	ReplaceRelay(ctx context.Context, r *Relay) error

	InsertProposal(ctx context.Context, p Proposal) error
	Proposal(ctx context.Context, id string) (Proposal, error)
	Proposals(ctx context.Context, area string, ord page.Order, offset, limit int) ([]Proposal, int, error)
	ReplaceProposal(ctx context.Context, p *Proposal) error

	InsertRule(ctx context.Context, r Rule) error
	Rule(ctx context.Context, id string) (Rule, error)
	Rules(ctx context.Context, f RuleFilter) ([]Rule, error)
	// RulePage is one page of the rules matching f, and their number.
	RulePage(ctx context.Context, f RuleFilter, pg page.Params) ([]Rule, int, error)
	ReplaceRule(ctx context.Context, r *Rule) error

	InsertHandover(ctx context.Context, h Handover) error
	Handover(ctx context.Context, id string) (Handover, error)
	// Handovers is one page of the handovers of a subtree or naming a
	// person, newest first, and their number.
	Handovers(ctx context.Context, area, person string, pg page.Params) ([]Handover, int, error)

	InsertAlert(ctx context.Context, a Alert) error

	BulkStore
	Alerts(ctx context.Context, area string, offset, limit int) ([]Alert, int, error)
}

// Sender texts a person; the same key is sent once (notify.Service).
type Sender interface {
	Send(ctx context.Context, key, to, kind, body string) error
}

// Service is the pairing service.
type Service struct {
	Store Store
	SMS   Sender
	Now   func() time.Time
}

// New returns a Service on the wall clock.
func New(st Store, sms Sender) *Service { return &Service{Store: st, SMS: sms, Now: time.Now} }

// system is the principal recorded for automatic actions.
var system = access.Principal{Kind: "system", ID: "system", Name: "系统"}

// countyOf returns the county code above a region code.
func countyOf(code string) string { return registry.AncestorAt(code, registry.County) }

// settings returns a county's settings, the defaults when none were saved;
// a county whose region record asks for training requires it too.
func (s *Service) settings(ctx context.Context, county string) (Settings, error) {
	st, err := s.Store.PairingSettings(ctx, county)
	switch {
	case err == nil:
		st.Saved = true
	case apperr.Is(err, apperr.NotFound):
		st = DefaultSettings(county)
	default:
		return Settings{}, fmt.Errorf("pairing.settings: %w", err)
	}
	if r, err := s.Store.Region(ctx, county); err == nil && r.RequireTraining {
		st.RequireTraining = true
	}
	return st, nil
}

func (s *Service) countyCode(p access.Principal, code string) (string, error) {
	c, err := registry.NormalizeCode(code)
	if err != nil || registry.LevelOf(c) != registry.County {
		return "", apperr.Field("county", "应为 12 位县级区划代码")
	}
	if !registry.Within(c, p.Region) && !registry.Within(p.Region, c) {
		return "", apperr.NotFoundf("区划不存在或不在您的管辖范围内")
	}
	return c, nil
}

// Settings returns a county's pairing settings to an organizer in, above
// or below the county.
func (s *Service) Settings(ctx context.Context, p access.Principal, county string) (Settings, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Settings{}, err
	}
	c, err := s.countyCode(p, county)
	if err != nil {
		return Settings{}, err
	}
	return s.settings(ctx, c)
}

// SaveSettings stores a county's settings (rule P3). Organizers at or
// above the county may; the version must be the one read (0 before the
// first save), else Conflict.
func (s *Service) SaveSettings(ctx context.Context, p access.Principal, county string, in SettingsInput) (Settings, error) {
	if err := valid.Struct(in); err != nil {
		return Settings{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Settings{}, err
	}
	c, err := s.countyCode(p, county)
	if err != nil {
		return Settings{}, err
	}
	if !registry.Within(c, p.Region) {
		return Settings{}, apperr.New(apperr.Forbidden, "结对规则由县级及以上组织者设置")
	}
	if _, err := s.Store.Region(ctx, c); err != nil {
		return Settings{}, fmt.Errorf("pairing.SaveSettings: %w", err)
	}
	pol, err := policyFrom(in)
	if err != nil {
		return Settings{}, err
	}
	cur, err := s.Store.PairingSettings(ctx, c)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return Settings{}, fmt.Errorf("pairing.SaveSettings: %w", err)
	}
	if cur.Version != in.Version {
		return Settings{}, apperr.New(apperr.Conflict, "设置已被他人修改, 请刷新后重试")
	}
	st := Settings{County: c, Policy: pol, Weights: in.Weights.withDefaults(), SilentDays: in.SilentDays, RelayLimitDays: in.RelayLimitDays,
		AutoConfirmRelay: in.AutoConfirmRelay, RequireTraining: in.RequireTraining, Version: cur.Version,
		UpdatedBy: p.ID, UpdatedByName: p.Name, UpdatedAt: s.Now()}
	if err := s.Store.PutPairingSettings(ctx, &st); err != nil {
		return Settings{}, fmt.Errorf("pairing.SaveSettings: %w", err)
	}
	st.Saved = true
	return st, nil
}

// elderFor returns an elder inside an organizer's subtree.
func (s *Service) elderFor(ctx context.Context, p access.Principal, id, field string) (registry.Elder, error) {
	e, err := s.Store.Elder(ctx, id)
	if err != nil || !p.Sees(e.Areas) {
		if err == nil || apperr.Is(err, apperr.NotFound) {
			if field != "" {
				return registry.Elder{}, apperr.Field(field, "老人不存在或不在您的管辖范围内")
			}
			return registry.Elder{}, apperr.NotFoundf("老人不存在")
		}
		return registry.Elder{}, err
	}
	return e, nil
}

// regionFor normalizes an area code inside p's subtree ("" means p's own).
func regionFor(p access.Principal, code, field string) (string, error) {
	return p.Subtree(code, field)
}

func isConflict(err error) bool { return apperr.Is(err, apperr.Conflict) }

func isNotFound(err error) bool { return apperr.Is(err, apperr.NotFound) }

var errNoCandidate = errors.New("no candidate")
