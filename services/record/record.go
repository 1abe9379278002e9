// Package record is a volunteer's service record as the national 办法
// (《志愿服务记录与证明出具办法(试行)》) lays it out: basic information,
// service information (one line per ledger entry), training, awards and
// commendations, and evaluations. Awards and evaluations are entered by
// organizers; volunteers ask for corrections, which an organizer accepts or
// refuses with a reason. Nothing in a record is edited in place: an accepted
// correction appends an amendment (and, for hours, a ledger correction).
package record

import (
	"context"
	"fmt"
	"sort"
	"time"

	"jinhui/services/access"
	"jinhui/services/ledger"
	"jinhui/services/recruit"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/page"
	"jinhui/shared/pii"
)

// Kinds of record item.
const (
	KindAward      = "award"      // an award or commendation (表彰奖励)
	KindEvaluation = "evaluation" // an evaluation (评价)
	KindCorrection = "correction" // a volunteer's correction request
	KindAmendment  = "amendment"  // what an accepted correction appends
)

// Parts of a record a correction may name.
const (
	PartBasic      = "basic"
	PartService    = "service"
	PartTraining   = "training"
	PartAward      = "award"
	PartEvaluation = "evaluation"
)

// PartName is the Chinese name of each part of the record.
var PartName = map[string]string{PartBasic: "基本信息", PartService: "服务信息", PartTraining: "培训信息", PartAward: "表彰奖励", PartEvaluation: "评价信息"}

// Correction states.
const (
	StatusPending  = "pending"
	StatusAccepted = "accepted"
	StatusRefused  = "refused"
)

// StatusName is the Chinese name of each correction state.
var StatusName = map[string]string{StatusPending: "待处理", StatusAccepted: "已采纳", StatusRefused: "未采纳"}

// Item is one appended line of a record: an award, an evaluation, a
// correction request or the amendment an accepted request appends. Only a
// correction's decision is ever written after it is made (once, at its
// version); every other item is insert-only.
type Item struct {
	ID        string   `bson:"_id" json:"id"`
	Kind      string   `bson:"kind" json:"kind"`
	Volunteer string   `bson:"volunteer" json:"volunteer"`
	Name      string   `bson:"name" json:"name"`
	Areas     []string `bson:"areas" json:"-"`
	// Date is the award's or evaluation's date (2006-01-02).
	Date string `bson:"date,omitempty" json:"date,omitempty"`
	// Title is the award's name, the evaluation's grade, or what a
	// correction or amendment is about.
	Title string `bson:"title" json:"title"`
	// Grantor is who granted the award or made the evaluation.
	Grantor string `bson:"grantor,omitempty" json:"grantor,omitempty"`
	// Period is the period an evaluation covers (2026 or 2026-01…2026-06).
	Period string `bson:"period,omitempty" json:"period,omitempty"`
	Text   string `bson:"text,omitempty" json:"text,omitempty"`
	// Part and Ref say which part (and which line, e.g. a ledger entry) a
	// correction or amendment is about.
	Part     string `bson:"part,omitempty" json:"part,omitempty"`
	PartName string `bson:"-" json:"partName,omitempty"`
	Ref      string `bson:"ref,omitempty" json:"ref,omitempty"`
	// Correction's decision.
	Status     string     `bson:"status,omitempty" json:"status,omitempty"`
	StatusName string     `bson:"-" json:"statusName,omitempty"`
	Reason     string     `bson:"reason,omitempty" json:"reason,omitempty"`
	DecidedBy  string     `bson:"decidedBy,omitempty" json:"decidedBy,omitempty"`
	DecidedAt  *time.Time `bson:"decidedAt,omitempty" json:"decidedAt,omitempty"`
	// Correction is, on an amendment, the request it answers.
	Correction string    `bson:"correction,omitempty" json:"correction,omitempty"`
	By         string    `bson:"by" json:"-"`
	ByName     string    `bson:"byName" json:"byName"`
	At         time.Time `bson:"at" json:"at"`
	Version    int       `bson:"version" json:"version"`
}

func (it Item) named() Item {
	it.PartName, it.StatusName = PartName[it.Part], StatusName[it.Status]
	return it
}

// Store is what records need from the database.
type Store interface {
	Volunteer(ctx context.Context, id string) (registry.Volunteer, error)
	// VolunteersByID returns the given volunteers (missing ones skipped).
	VolunteersByID(ctx context.Context, ids []string) ([]registry.Volunteer, error)
	// RegionsByCode returns the given regions (missing ones skipped).
	RegionsByCode(ctx context.Context, codes []string) ([]registry.Region, error)
	InvitesOf(ctx context.Context, volunteerID string) ([]recruit.Invite, error)
	// BatchesByID returns the given training batches (missing ones skipped).
	BatchesByID(ctx context.Context, ids []string) ([]recruit.Batch, error)
	LedgerEntry(ctx context.Context, id string) (ledger.Entry, error)
	LedgerEntries(ctx context.Context, f ledger.Filter) ([]ledger.Entry, int, error)
	// LedgerEntriesIn returns at most limit volunteer entries (visit and
	// honour hours, with their reversals) of a subtree and span of months.
	LedgerEntriesIn(ctx context.Context, area, from, to string, limit int) ([]ledger.Entry, error)
	// RecordItems returns at most limit items of a volunteer, newest first.
	RecordItems(ctx context.Context, volunteer string, limit int) ([]Item, error)
	RecordItem(ctx context.Context, id string) (Item, error)
	// InsertRecordItem stores an item; Conflict when its id exists.
	InsertRecordItem(ctx context.Context, it Item) error
	// ReplaceRecordItem writes it at the version read and bumps it.
	ReplaceRecordItem(ctx context.Context, it *Item) error
	// Corrections pages the correction requests of a subtree in a state
	// ("" any), newest first.
	Corrections(ctx context.Context, area, status string, pg page.Params) ([]Item, int, error)
}

// Ledger corrects hours (a reversal plus a new entry).
type Ledger interface {
	Correct(ctx context.Context, p access.Principal, id string, in ledger.CorrectInput) (ledger.Correction, error)
}

// Service keeps service records.
type Service struct {
	Store  Store
	Ledger Ledger
	Now    func() time.Time
}

// MaxItems is how many awards, evaluations and corrections one record shows.
const MaxItems = 200

// Basic is the record's basic information (基本信息); the ID number is masked.
type Basic struct {
	VolunteerNo string    `json:"volunteerNo"`
	Name        string    `json:"name"`
	IDType      string    `json:"idType"`
	IDNumber    string    `json:"idNumber"`
	Phone       string    `json:"phone"`
	Type        string    `json:"type"`
	Village     string    `json:"village"`
	VillageName string    `json:"villageName"`
	CountyName  string    `json:"countyName"`
	SourceOrg   string    `json:"sourceOrg,omitempty"`
	Status      string    `json:"status"`
	Registered  time.Time `json:"registered"`
}

// Training is one training the volunteer was invited to.
type Training struct {
	Date     string `json:"date"`
	Topic    string `json:"topic"`
	Place    string `json:"place"`
	Trainer  string `json:"trainer"`
	Attended bool   `json:"attended"`
	MarkedBy string `json:"markedBy,omitempty"`
}

// Record is a volunteer's record, all five parts but the service lines,
// which are paged apart (ServiceLines).
type Record struct {
	Basic         Basic      `json:"basic"`
	Hours         float64    `json:"-"`
	Training      []Training `json:"training"`
	HandbookAckAt *time.Time `json:"handbookAckAt,omitempty"`
	Awards        []Item     `json:"awards"`
	Evaluations   []Item     `json:"evaluations"`
	Corrections   []Item     `json:"corrections"`
	Amendments    []Item     `json:"amendments"`
}

// IDType is the ID type of every registered volunteer.
const IDType = "居民身份证"

// volunteerFor loads a volunteer the caller may see: the volunteer
// themselves, or an organizer whose subtree holds them.
func (s *Service) volunteerFor(ctx context.Context, p access.Principal, id string) (registry.Volunteer, error) {
	if !(p.Kind == access.KindVolunteer && p.ID == id) && !p.IsOrganizer() {
		return registry.Volunteer{}, apperr.New(apperr.Forbidden, "无权查看")
	}
	v, err := s.Store.Volunteer(ctx, id)
	if apperr.Is(err, apperr.NotFound) || err == nil && !(p.Kind == access.KindVolunteer && p.ID == id) && !p.Sees(v.Areas) {
		return registry.Volunteer{}, apperr.NotFoundf("志愿者不存在")
	}
	if err != nil {
		return registry.Volunteer{}, fmt.Errorf("record.volunteer: %w", err)
	}
	return v, nil
}

// Get returns a volunteer's record (five commands whatever its size).
func (s *Service) Get(ctx context.Context, p access.Principal, id string) (Record, error) {
	v, err := s.volunteerFor(ctx, p, id)
	if err != nil {
		return Record{}, err
	}
	county := area.AncestorAt(v.Village, area.County)
	names, err := s.regionNames(ctx, []string{v.Village, county})
	if err != nil {
		return Record{}, err
	}
	r := Record{Basic: Basic{VolunteerNo: ledger.VolunteerNo(v.ID), Name: v.Name, IDType: IDType, IDNumber: pii.MaskID(v.IDNumber), Phone: pii.MaskPhone(v.Phone),
		Type: v.Type, Village: v.Village, VillageName: names[v.Village], CountyName: names[county], SourceOrg: v.SourceOrg, Status: v.Status, Registered: v.CreatedAt},
		HandbookAckAt: v.HandbookAckAt, Training: []Training{}, Awards: []Item{}, Evaluations: []Item{}, Corrections: []Item{}, Amendments: []Item{}}
	invites, err := s.Store.InvitesOf(ctx, v.ID)
	if err != nil {
		return Record{}, fmt.Errorf("record.Get: %w", err)
	}
	if len(invites) > 0 {
		ids := make([]string, len(invites))
		for i, in := range invites {
			ids[i] = in.BatchID
		}
		batches, err := s.Store.BatchesByID(ctx, ids)
		if err != nil {
			return Record{}, fmt.Errorf("record.Get: %w", err)
		}
		byID := map[string]recruit.Batch{}
		for _, b := range batches {
			byID[b.ID] = b
		}
		for _, in := range invites {
			b := byID[in.BatchID]
			r.Training = append(r.Training, Training{Date: b.Date, Topic: b.Topic, Place: b.Place, Trainer: b.Trainer, Attended: in.Attended, MarkedBy: in.MarkedBy})
		}
		sort.Slice(r.Training, func(i, j int) bool { return r.Training[i].Date > r.Training[j].Date })
	}
	items, err := s.Store.RecordItems(ctx, v.ID, MaxItems)
	if err != nil {
		return Record{}, fmt.Errorf("record.Get: %w", err)
	}
	for _, it := range items {
		it = it.named()
		switch it.Kind {
		case KindAward:
			r.Awards = append(r.Awards, it)
		case KindEvaluation:
			r.Evaluations = append(r.Evaluations, it)
		case KindCorrection:
			r.Corrections = append(r.Corrections, it)
		case KindAmendment:
			r.Amendments = append(r.Amendments, it)
		}
	}
	return r, nil
}

func (s *Service) regionNames(ctx context.Context, codes []string) (map[string]string, error) {
	rs, err := s.Store.RegionsByCode(ctx, codes)
	if err != nil {
		return nil, fmt.Errorf("record.regionNames: %w", err)
	}
	out := map[string]string{}
	for _, r := range rs {
		out[r.Code] = r.Name
	}
	return out, nil
}

// Line is one line of the service information (服务信息): a ledger entry
// as the 办法 names its fields. Hours are the time between check-in and
// check-out at the elder's home, so travel never counts.
type Line struct {
	ID         string  `json:"id"`
	Date       string  `json:"date"`
	Place      string  `json:"place"`
	Content    string  `json:"content"`
	Hours      float64 `json:"hours"`
	Minutes    int     `json:"minutes"`
	Kind       string  `json:"kind"`
	KindName   string  `json:"kindName"`
	RecordedBy string  `json:"recordedBy"`
	Reason     string  `json:"reason,omitempty"`
	Reverses   string  `json:"reverses,omitempty"`
}

// ServiceLines pages a volunteer's service information, newest first
// (four commands whatever the size).
func (s *Service) ServiceLines(ctx context.Context, p access.Principal, id string, pg page.Params) ([]Line, int, error) {
	if !(p.Kind == access.KindVolunteer && p.ID == id) {
		if _, err := s.volunteerFor(ctx, p, id); err != nil {
			return nil, 0, err
		}
	}
	pg = pg.Norm()
	es, total, err := s.Store.LedgerEntries(ctx, ledger.Filter{Volunteer: id, Offset: pg.Offset, Limit: pg.Limit})
	if err != nil {
		return nil, 0, fmt.Errorf("record.ServiceLines: %w", err)
	}
	var codes []string
	for _, e := range es {
		codes = append(codes, e.Village)
	}
	names := map[string]string{}
	if len(codes) > 0 {
		if names, err = s.regionNames(ctx, codes); err != nil {
			return nil, 0, err
		}
	}
	out := make([]Line, 0, len(es))
	for _, e := range es {
		out = append(out, LineOf(e, names))
	}
	return out, total, nil
}

// KindName is the Chinese name of each kind of service line.
var KindName = map[string]string{ledger.KindCredit: "探访服务", ledger.KindHonour: "荣誉时长", "reversal": "冲销", "correction": "更正"}

// LineOf is the service line a ledger entry stands for; names maps
// village codes to names.
func LineOf(e ledger.Entry, names map[string]string) Line {
	l := Line{ID: e.ID, Date: e.Date, Place: names[e.Village], Minutes: e.Minutes, Hours: float64(e.Minutes) / 60, Kind: e.Kind,
		RecordedBy: e.ByName, Reason: e.Reason, Reverses: e.Reverses}
	if l.Place == "" {
		l.Place = e.Village
	}
	l.Hours = float64(int(l.Hours*100+sign(l.Hours)*0.5)) / 100
	switch {
	case e.Reverses != "":
		l.Kind = "reversal"
		l.Content = "冲销 " + e.Reverses
	case e.Source == "correction":
		l.Kind = "correction"
		l.Content = "更正后的服务时长"
	case e.Kind == ledger.KindHonour:
		l.Content = "组织认定的服务时长: " + e.Reason
	default:
		l.Content = "金晖助老入户探访"
		if len(e.Items) > 0 {
			l.Content += "(" + joinItems(e.Items) + ")"
		}
	}
	l.KindName = KindName[l.Kind]
	return l
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// itemNames are the Chinese names of the five ones (五个一) a visit ticks.
var itemNames = func() map[string]string {
	out := map[string]string{}
	for _, it := range visit.FiveOnes {
		out[it.Code] = it.Name
	}
	return out
}()

func joinItems(items []string) string {
	out := ""
	for i, it := range items {
		if i > 0 {
			out += "、"
		}
		if n, ok := itemNames[it]; ok {
			it = n
		}
		out += it
	}
	return out
}
