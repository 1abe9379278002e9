package mongostore

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/pairing"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
)

// The pairing collections. Pairs, relays and handovers use keys built from
// elder, slot and seq (see package pairing), pair claims elder|volunteer:
// uniqueness is claimed by inserts, as FerretDB requires.
const (
	colPairSettings = "pairing_settings"
	colPairs        = "pairs"
	colPairClaims   = "pair_claims"
	colRelays       = "relays"
	colProposals    = "pair_proposals"
	colPairRules    = "pair_rules"
	colHandovers    = "handovers"
	colPairAlerts   = "pair_alerts"
)

// pairingIndexes are the pairing collections' indexes.
var pairingIndexes = []index{
	{colPairs, bson.D{{Key: "elder", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPairs, bson.D{{Key: "volunteer", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPairs, bson.D{{Key: "county", Value: 1}, {Key: "status", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPairs, bson.D{{Key: "areas", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colRelays, bson.D{{Key: "areas", Value: 1}, {Key: "openedAt", Value: 1}, {Key: "_id", Value: 1}}, false},
	// the lists' sortable columns (pairing.PairSorts, RelaySorts)
	{colPairs, bson.D{{Key: "areas", Value: 1}, {Key: "elderName", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPairs, bson.D{{Key: "areas", Value: 1}, {Key: "volunteerName", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPairs, bson.D{{Key: "areas", Value: 1}, {Key: "village", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPairs, bson.D{{Key: "areas", Value: 1}, {Key: "startDate", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPairs, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colRelays, bson.D{{Key: "areas", Value: 1}, {Key: "elderName", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colRelays, bson.D{{Key: "areas", Value: 1}, {Key: "village", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colRelays, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colRelays, bson.D{{Key: "elder", Value: 1}, {Key: "openedAt", Value: 1}, {Key: "_id", Value: 1}}, false},
	// proposals newest first, and sorted either way on at or unfilled (pairing.ProposalSorts)
	{colProposals, bson.D{{Key: "areas", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colProposals, bson.D{{Key: "areas", Value: 1}, {Key: "unfilled", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPairRules, bson.D{{Key: "elder", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPairRules, bson.D{{Key: "areas", Value: 1}, {Key: "_id", Value: 1}}, false},
	// the rule list sorted on at (pairing.RuleSorts)
	{colPairRules, bson.D{{Key: "areas", Value: 1}, {Key: "at", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPairRules, bson.D{{Key: "county", Value: 1}, {Key: "_id", Value: 1}}, false},
	// handovers newest first, either way when sorted on at (pairing.HandoverSorts)
	{colHandovers, bson.D{{Key: "areas", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colHandovers, bson.D{{Key: "people", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colPairAlerts, bson.D{{Key: "areas", Value: 1}, {Key: "at", Value: -1}}, false},
}

func pairingAll[T any](ctx context.Context, c *mongo.Collection, filter bson.D, sort bson.D, op string) ([]T, error) {
	cur, err := c.Find(ctx, filter, options.Find().SetSort(sort).SetBatchSize(scanBatch))
	if err != nil {
		return nil, wrap(op, err)
	}
	out := []T{}
	return out, wrap(op, cur.All(ctx, &out))
}

func pairingStream[T any](ctx context.Context, c *mongo.Collection, filter bson.D, fn func(T) error, op string) error {
	cur, err := c.Find(ctx, filter, options.Find().SetSort(byID))
	if err != nil {
		return wrap(op, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var v T
		if err := cur.Decode(&v); err != nil {
			return wrap(op, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return wrap(op, cur.Err())
}

// ActiveElders streams every active elder.
func (s *Store) ActiveElders(ctx context.Context, fn func(registry.Elder) error) error {
	return pairingStream(ctx, s.DB.Collection(colElders), bson.D{{Key: "status", Value: registry.StatusActive}}, fn, "mongostore.ActiveElders")
}

// AllVolunteers streams every volunteer of a subtree.
func (s *Store) AllVolunteers(ctx context.Context, area string, fn func(registry.Volunteer) error) error {
	return pairingStream(ctx, s.DB.Collection(colVolunteers), bson.D{{Key: "areas", Value: area}}, fn, "mongostore.AllVolunteers")
}

// PairingSettings returns a county's saved pairing settings.
func (s *Store) PairingSettings(ctx context.Context, county string) (pairing.Settings, error) {
	return get[pairing.Settings](ctx, s.DB.Collection(colPairSettings), county)
}

// PutPairingSettings inserts (version 0) or replaces at the version read, bumping it.
func (s *Store) PutPairingSettings(ctx context.Context, st *pairing.Settings) error {
	c := s.DB.Collection(colPairSettings)
	st.Version++
	var err error
	if st.Version == 1 {
		_, err = c.InsertOne(ctx, st)
		touched(ctx, c)
		err = wrap("mongostore.PutPairingSettings", err)
	} else {
		err = s.replaceVersioned(ctx, c, st.County, st.Version-1, st)
	}
	if err != nil {
		st.Version--
	}
	return err
}

// InsertPair stores a new pair; its key taken is a Conflict.
func (s *Store) InsertPair(ctx context.Context, p pairing.Pair) error {
	c := s.DB.Collection(colPairs)
	_, err := c.InsertOne(ctx, p)
	touched(ctx, c)
	return wrap("mongostore.InsertPair", err)
}

// Pair returns one pair.
func (s *Store) Pair(ctx context.Context, id string) (pairing.Pair, error) {
	return get[pairing.Pair](ctx, s.DB.Collection(colPairs), id)
}

// Pairs returns every pair matching f, by id.
func (s *Store) Pairs(ctx context.Context, f pairing.PairFilter) ([]pairing.Pair, error) {
	return pairingAll[pairing.Pair](ctx, s.DB.Collection(colPairs), pairFilter(f), byID, "mongostore.Pairs")
}

// PairPage returns one page of the pairs matching f (by key) and their number.
func (s *Store) PairPage(ctx context.Context, f pairing.PairFilter, pg page.Params) ([]pairing.Pair, int, error) {
	return pageOf[pairing.Pair](ctx, s.DB.Collection(colPairs), pairFilter(f), orderOr(f.Order, byID), pg)
}

func pairFilter(f pairing.PairFilter) bson.D {
	d := bson.D{}
	for _, kv := range [][2]string{{"areas", f.Area}, {"county", f.County}, {"elder", f.Elder}, {"volunteer", f.Volunteer}, {"status", f.Status}} {
		if kv[1] != "" {
			d = append(d, bson.E{Key: kv[0], Value: kv[1]})
		}
	}
	return d
}

// EndPair moves an active pair to ended; Conflict when it is not active.
func (s *Store) EndPair(ctx context.Context, id string, at time.Time, kind, reason, by string) error {
	c := s.DB.Collection(colPairs)
	r, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: pairing.PairActive}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: pairing.PairEnded}, {Key: "endedAt", Value: at},
			{Key: "endKind", Value: kind}, {Key: "endReason", Value: reason}, {Key: "endedBy", Value: by}}}})
	touched(ctx, c)
	if err != nil {
		return wrap("mongostore.EndPair", err)
	}
	if r.MatchedCount == 0 {
		return fmt.Errorf("mongostore.EndPair: %w", apperr.New(apperr.Conflict, "结对已经结束"))
	}
	return nil
}

func (s *Store) setPair(ctx context.Context, id string, set bson.D, op string) error {
	c := s.DB.Collection(colPairs)
	r, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}})
	touched(ctx, c)
	if err == nil && r.MatchedCount == 0 {
		err = mongo.ErrNoDocuments
	}
	return wrap(op, err)
}

// SetPairNotes records a pair's handover notes.
func (s *Store) SetPairNotes(ctx context.Context, id string, n pairing.Notes) error {
	return s.setPair(ctx, id, bson.D{{Key: "notes", Value: n}}, "mongostore.SetPairNotes")
}

// SetLastVisit records the time of a pair's last completed visit.
func (s *Store) SetLastVisit(ctx context.Context, id string, at time.Time) error {
	return s.setPair(ctx, id, bson.D{{Key: "lastVisitAt", Value: at}}, "mongostore.SetLastVisit")
}

type pairClaim struct {
	ID   string `bson:"_id"`
	Pair string `bson:"pair"`
}

// ClaimPairKey claims elder|volunteer for a pair; Conflict when claimed.
func (s *Store) ClaimPairKey(ctx context.Context, elder, volunteer, pairID string) error {
	_, err := s.DB.Collection(colPairClaims).InsertOne(ctx, pairClaim{ID: elder + "|" + volunteer, Pair: pairID})
	return wrap("mongostore.ClaimPairKey", err)
}

// PairKey returns the pair holding elder|volunteer.
func (s *Store) PairKey(ctx context.Context, elder, volunteer string) (string, error) {
	c, err := get[pairClaim](ctx, s.DB.Collection(colPairClaims), elder+"|"+volunteer)
	return c.Pair, err
}

// ReleasePairKey frees elder|volunteer.
func (s *Store) ReleasePairKey(ctx context.Context, elder, volunteer string) error {
	_, err := s.DB.Collection(colPairClaims).DeleteOne(ctx, bson.D{{Key: "_id", Value: elder + "|" + volunteer}})
	return wrap("mongostore.ReleasePairKey", err)
}

// InsertRelay records an open slot; its key taken is a Conflict.
func (s *Store) InsertRelay(ctx context.Context, r pairing.Relay) error {
	c := s.DB.Collection(colRelays)
	_, err := c.InsertOne(ctx, r)
	touched(ctx, c)
	return wrap("mongostore.InsertRelay", err)
}

// Relay returns one relay entry.
func (s *Store) Relay(ctx context.Context, id string) (pairing.Relay, error) {
	return get[pairing.Relay](ctx, s.DB.Collection(colRelays), id)
}

// Relays returns the relay entries matching f, oldest first.
func (s *Store) Relays(ctx context.Context, f pairing.RelayFilter) ([]pairing.Relay, error) {
	return pairingAll[pairing.Relay](ctx, s.DB.Collection(colRelays), relayFilter(f), byOpened, "mongostore.Relays")
}

// RelayPage returns one page of the relays matching f, oldest first, and their number.
func (s *Store) RelayPage(ctx context.Context, f pairing.RelayFilter, pg page.Params) ([]pairing.Relay, int, error) {
	return pageOf[pairing.Relay](ctx, s.DB.Collection(colRelays), relayFilter(f), orderOr(f.Order, byOpened), pg)
}

var byOpened = bson.D{{Key: "openedAt", Value: 1}, {Key: "_id", Value: 1}}

func relayFilter(f pairing.RelayFilter) bson.D {
	d := bson.D{}
	for _, kv := range [][2]string{{"areas", f.Area}, {"elder", f.Elder}, {"status", f.Status}} {
		if kv[1] != "" {
			d = append(d, bson.E{Key: kv[0], Value: kv[1]})
		}
	}
	return d
}

// ReplaceRelay writes r at the version read, bumping it.
func (s *Store) ReplaceRelay(ctx context.Context, r *pairing.Relay) error {
	r.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colRelays), r.ID, r.Version-1, r); err != nil {
		r.Version--
		return err
	}
	return nil
}

// InsertProposal stores a proposal.
func (s *Store) InsertProposal(ctx context.Context, p pairing.Proposal) error {
	_, err := s.DB.Collection(colProposals).InsertOne(ctx, p)
	return wrap("mongostore.InsertProposal", err)
}

// Proposal returns one proposal.
func (s *Store) Proposal(ctx context.Context, id string) (pairing.Proposal, error) {
	return get[pairing.Proposal](ctx, s.DB.Collection(colProposals), id)
}

// Proposals returns a page of a subtree's proposals, newest first.
func (s *Store) Proposals(ctx context.Context, area string, ord page.Order, offset, limit int) ([]pairing.Proposal, int, error) {
	return findPage[pairing.Proposal](ctx, s.DB.Collection(colProposals), bson.D{{Key: "areas", Value: area}}, orderOr(ord, newestAt), offset, limit)
}

// ReplaceProposal writes p at the version read, bumping it.
func (s *Store) ReplaceProposal(ctx context.Context, p *pairing.Proposal) error {
	p.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colProposals), p.ID, p.Version-1, p); err != nil {
		p.Version--
		return err
	}
	return nil
}

// InsertRule stores a pin or forbid.
func (s *Store) InsertRule(ctx context.Context, r pairing.Rule) error {
	_, err := s.DB.Collection(colPairRules).InsertOne(ctx, r)
	return wrap("mongostore.InsertRule", err)
}

// Rule returns one pin or forbid.
func (s *Store) Rule(ctx context.Context, id string) (pairing.Rule, error) {
	return get[pairing.Rule](ctx, s.DB.Collection(colPairRules), id)
}

// Rules returns the pins and forbids matching f.
func (s *Store) Rules(ctx context.Context, f pairing.RuleFilter) ([]pairing.Rule, error) {
	return pairingAll[pairing.Rule](ctx, s.DB.Collection(colPairRules), ruleFilter(f), byID, "mongostore.Rules")
}

// RulePage returns one page of the pins and forbids matching f and their number.
func (s *Store) RulePage(ctx context.Context, f pairing.RuleFilter, pg page.Params) ([]pairing.Rule, int, error) {
	return pageOf[pairing.Rule](ctx, s.DB.Collection(colPairRules), ruleFilter(f), byID, pg)
}

func ruleFilter(f pairing.RuleFilter) bson.D {
	d := bson.D{}
	for _, kv := range [][2]string{{"areas", f.Area}, {"county", f.County}, {"elder", f.Elder}, {"volunteer", f.Volunteer}} {
		if kv[1] != "" {
			d = append(d, bson.E{Key: kv[0], Value: kv[1]})
		}
	}
	if f.ActiveOnly {
		d = append(d, bson.E{Key: "active", Value: true})
	}
	return d
}

// ReplaceRule writes r at the version read, bumping it.
func (s *Store) ReplaceRule(ctx context.Context, r *pairing.Rule) error {
	r.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colPairRules), r.ID, r.Version-1, r); err != nil {
		r.Version--
		return err
	}
	return nil
}

// InsertHandover stores a handover; its key taken is a Conflict.
func (s *Store) InsertHandover(ctx context.Context, h pairing.Handover) error {
	_, err := s.DB.Collection(colHandovers).InsertOne(ctx, h)
	return wrap("mongostore.InsertHandover", err)
}

// Handover returns one handover.
func (s *Store) Handover(ctx context.Context, id string) (pairing.Handover, error) {
	return get[pairing.Handover](ctx, s.DB.Collection(colHandovers), id)
}

// Handovers returns one page of the handovers of a subtree or naming a
// person, newest first, and their number.
func (s *Store) Handovers(ctx context.Context, area, person string, pg page.Params) ([]pairing.Handover, int, error) {
	d := bson.D{}
	if area != "" {
		d = append(d, bson.E{Key: "areas", Value: area})
	}
	if person != "" {
		d = append(d, bson.E{Key: "people", Value: person})
	}
	return pageOf[pairing.Handover](ctx, s.DB.Collection(colHandovers), d, newestAt, pg)
}

// InsertAlert records an alert; its key taken is a Conflict.
func (s *Store) InsertAlert(ctx context.Context, a pairing.Alert) error {
	_, err := s.DB.Collection(colPairAlerts).InsertOne(ctx, a)
	return wrap("mongostore.InsertAlert", err)
}

// Alerts returns a page of a subtree's alerts, newest first.
func (s *Store) Alerts(ctx context.Context, area string, offset, limit int) ([]pairing.Alert, int, error) {
	return findPage[pairing.Alert](ctx, s.DB.Collection(colPairAlerts), bson.D{{Key: "areas", Value: area}}, bson.D{{Key: "at", Value: -1}}, offset, limit)
}
