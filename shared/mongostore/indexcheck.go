package mongostore

import (
	"fmt"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"jinhui/shared/dbcount"
)

// scanAllowed are the collections a query may read whole, with neither
// filter nor sort: each stays small by nature, so a scan of it costs
// less than an index would. A collection not listed here needs an index
// for every query the code sends it.
var scanAllowed = map[string]string{
	colRegions:      "区划树: 省市县乡村, 启动时整棵读入",
	colSMSTemplates: "短信模板: 十余条, 管理员编辑",
}

// Unserved returns, one line per distinct query shape, the recorded reads
// and writes that no declared index serves the way MongoDB needs (ESR):
// the index starts with fields the filter pins by equality (plain value,
// $eq, $in; other pinned fields are checked on the documents it finds),
// then has the sort keys in order (all in the index's direction or all
// reversed), so no sort happens in memory; a filter with only ranges needs
// an index that starts with one of them. A filter on _id is always served;
// a command with neither filter nor sort is served only on the collections
// of scanAllowed.
func Unserved(cmds []dbcount.Command) []string {
	byColl := map[string][]bson.D{}
	for _, ix := range allIndexes() {
		byColl[ix.coll] = append(byColl[ix.coll], ix.keys)
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range cmds {
		if c.Collection == "" || !reads[c.Name] || c.Name == "count" && c.Filter == nil {
			continue // estimatedDocumentCount reads metadata only
		}
		for _, q := range shapes(c.Filter, c.Sort) {
			key := c.Collection + " " + q.String()
			if seen[key] {
				continue
			}
			seen[key] = true
			if !q.servedBy(c.Collection, byColl[c.Collection]) {
				out = append(out, c.Name+" "+key)
			}
		}
	}
	sort.Strings(out)
	return out
}

// reads are the commands whose filter picks documents.
var reads = map[string]bool{"find": true, "aggregate": true, "update": true, "delete": true,
	"findAndModify": true, "count": true, "distinct": true}

// shape is a query reduced to what index choice depends on.
type shape struct {
	eq, rng []string
	sort    bson.D
	id      bool
}

func (q shape) String() string {
	sorts := make([]string, len(q.sort))
	for i, k := range q.sort {
		sorts[i] = fmt.Sprintf("%s:%v", k.Key, k.Value)
	}
	return fmt.Sprintf("eq[%s] sort[%s] range[%s]", strings.Join(q.eq, ","), strings.Join(sorts, ","), strings.Join(q.rng, ","))
}

// shapes reads a filter into one shape per $or branch (one when none).
func shapes(filter, sortDoc bson.Raw) []shape {
	var base shape
	var ors [][]bson.Raw
	var walk func(d bson.Raw)
	walk = func(d bson.Raw) {
		els, _ := d.Elements()
		for _, el := range els {
			k, v := el.Key(), el.Value()
			switch k {
			case "$and":
				arr, _ := v.ArrayOK()
				vals, _ := arr.Values()
				for _, x := range vals {
					if sub, ok := x.DocumentOK(); ok {
						walk(sub)
					}
				}
				continue
			case "$or", "$nor":
				arr, _ := v.ArrayOK()
				vals, _ := arr.Values()
				var branch []bson.Raw
				for _, x := range vals {
					if sub, ok := x.DocumentOK(); ok {
						branch = append(branch, sub)
					}
				}
				ors = append(ors, branch)
				continue
			}
			if k == "_id" && isEquality(v) {
				base.id = true
			}
			if isEquality(v) {
				base.eq = append(base.eq, k)
			} else {
				base.rng = append(base.rng, k)
			}
		}
	}
	if filter != nil {
		walk(filter)
	}
	if sortDoc != nil {
		_ = bson.Unmarshal(sortDoc, &base.sort)
	}
	out := []shape{base}
	for _, branch := range ors {
		var next []shape
		for _, q := range out {
			for _, b := range branch {
				sub := shapes(b, nil)
				for _, s := range sub {
					m := shape{eq: append(append([]string{}, q.eq...), s.eq...), rng: append(append([]string{}, q.rng...), s.rng...), sort: q.sort, id: q.id || s.id}
					next = append(next, m)
				}
			}
		}
		out = next
	}
	for i := range out {
		sort.Strings(out[i].eq)
		sort.Strings(out[i].rng)
	}
	return out
}

// isEquality reports whether a filter value pins a field to values (a
// plain value, $eq or $in) rather than a range or a test.
func isEquality(v bson.RawValue) bool {
	d, ok := v.DocumentOK()
	if !ok {
		return true
	}
	els, _ := d.Elements()
	if len(els) == 0 || !strings.HasPrefix(els[0].Key(), "$") {
		return true // an embedded document compared whole
	}
	for _, el := range els {
		if el.Key() != "$eq" && el.Key() != "$in" {
			return false
		}
	}
	return true
}

func (q shape) servedBy(coll string, indexes []bson.D) bool {
	if q.id {
		return true
	}
	if len(q.eq) == 0 && len(q.rng) == 0 && len(q.sort) == 0 {
		_, ok := scanAllowed[coll]
		return ok
	}
	if len(q.eq) == 0 && len(q.rng) == 0 && len(q.sort) == 1 && q.sort[0].Key == "_id" {
		return true
	}
	for _, ix := range indexes {
		if serves(ix, q) {
			return true
		}
	}
	return false
}

func serves(ix bson.D, q shape) bool {
	i := 0
	eq, pinned := map[string]bool{}, map[string]bool{}
	for _, f := range q.eq {
		eq[f], pinned[f] = true, true
	}
	for i < len(ix) && eq[ix[i].Key] {
		delete(eq, ix[i].Key)
		i++
	}
	if len(q.eq) > 0 && i == 0 {
		return false // the index does not start with a field the filter pins
	}
	if len(q.sort) > 0 {
		dir := 0
		for _, s := range q.sort {
			if pinned[s.Key] {
				continue // every document found has the same value
			}
			if i >= len(ix) || ix[i].Key != s.Key {
				// a trailing _id tie-break is served by the index's own order
				// only when _id is the next key; otherwise the sort is in memory
				return false
			}
			same := sign(ix[i].Value) == sign(s.Value)
			d := map[bool]int{true: 1, false: -1}[same]
			if dir != 0 && d != dir {
				return false
			}
			dir = d
			i++
		}
	}
	rng := map[string]bool{}
	for _, f := range q.rng {
		rng[f] = true
	}
	if i == 0 {
		return len(rng) > 0 && rng[ix[0].Key] // a range alone: the index must start with it
	}
	return true
}

func sign(v any) int {
	switch n := v.(type) {
	case int32:
		return int(n)
	case int64:
		return int(n)
	case int:
		return n
	case float64:
		return int(n)
	}
	return 1
}
