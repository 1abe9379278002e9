package mongostore

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"jinhui/shared/dbcount"
)

func raw(t *testing.T, d bson.D) bson.Raw {
	t.Helper()
	if d == nil {
		return nil
	}
	b, err := bson.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUnserved(t *testing.T) {
	cases := []struct {
		name         string
		coll         string
		filter, sort bson.D
		served       bool
	}{
		{"ByID", colPairs, bson.D{{Key: "_id", Value: "x"}, {Key: "status", Value: "active"}}, nil, true},
		{"EqualityPrefix", colPairs, bson.D{{Key: "status", Value: "active"}, {Key: "volunteer", Value: "v"}}, nil, true},
		{"EqualityThenSort", colProposals, bson.D{{Key: "areas", Value: "37"}}, bson.D{{Key: "at", Value: -1}}, true},
		{"SortReversed", colProposals, bson.D{{Key: "areas", Value: "37"}}, bson.D{{Key: "at", Value: 1}}, true},
		{"ErrFieldNotIndexed", colPairs, bson.D{{Key: "slot", Value: 1}}, nil, false},
		{"ErrSortNotIndexed", colPairs, bson.D{{Key: "elder", Value: "e"}}, bson.D{{Key: "at", Value: 1}}, false},
		{"ErrScanOfBigCollection", colPairs, bson.D{}, nil, false},
		{"ScanAllowed", colRegions, bson.D{}, nil, true},
		{"InIsEquality", colPairs, bson.D{{Key: "elder", Value: bson.D{{Key: "$in", Value: bson.A{"a", "b"}}}}}, nil, true},
		{"ErrRangeBeforeSort", colProposals, bson.D{{Key: "at", Value: bson.D{{Key: "$gt", Value: 1}}}}, nil, false},
		{"ExtraEqualityFiltered", colProposals, bson.D{{Key: "areas", Value: "37"}, {Key: "by", Value: "x"}}, bson.D{{Key: "at", Value: -1}}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Unserved([]dbcount.Command{{Name: "find", Collection: c.coll, Filter: raw(t, c.filter), Sort: raw(t, c.sort)}})
			if (len(got) == 0) != c.served {
				t.Fatalf("served = %v, want %v (%v)", len(got) == 0, c.served, got)
			}
		})
	}
}
