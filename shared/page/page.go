// Package page reads the paging parameters every list route takes and
// shapes the page it answers, so each list costs one bounded query and one
// count whatever the size of the collection.
package page

import (
	"strconv"
	"strings"

	"jinhui/shared/apperr"
	"jinhui/shared/dict"
)

// Default is the page size when none is asked for; Max the largest allowed.
const (
	Default = 50
	Max     = 500
)

// Params are a page's offset (rows skipped), limit (rows at most) and,
// for the lists that sort on the server, the order asked for (empty: the
// list's own order).
type Params struct {
	Offset int
	Limit  int
	Order  Order
}

// First is the first page of the default size.
var First = Params{Limit: Default}

// Parse reads offset and limit as given in a query string (empty means the
// default). A negative or non-numeric value, or a limit above Max, is an
// Invalid error naming the field "offset" or "limit".
func Parse(offset, limit string) (Params, error) {
	p := Params{Limit: Default}
	if s := strings.TrimSpace(offset); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return Params{}, apperr.Field("offset", "offset 应为不小于 0 的整数")
		}
		p.Offset = n
	}
	if s := strings.TrimSpace(limit); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return Params{}, apperr.Field("limit", "limit 应为 1 到 500 之间的整数")
		}
		if n > Max {
			return Params{}, apperr.Field("limit", "limit 最大为 500")
		}
		p.Limit = n
	}
	return p, nil
}

// Norm returns p with a zero or out-of-range limit replaced by the default
// and a negative offset by 0; stores call it so a caller that skipped Parse
// still gets a bounded query.
func (p Params) Norm() Params {
	if p.Limit <= 0 || p.Limit > Max {
		p.Limit = Default
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

// Order is the sort a list asks for: a field (empty: the list's own
// order) and a direction. Stores add _id in the same direction, so pages
// never overlap.
type Order struct {
	Field string
	Desc  bool
}

// ParseOrder reads sort and order as given in a query string: sort must
// be one of allowed (the lists sort only where an index serves it), order
// "asc", "desc" or empty. Anything else is an Invalid error naming "sort"
// or "order", in Chinese.
func ParseOrder(sort, order string, allowed ...string) (Order, error) {
	sort, order = strings.TrimSpace(sort), strings.TrimSpace(order)
	if sort == "" {
		return Order{}, nil
	}
	ok := false
	for _, a := range allowed {
		ok = ok || a == sort
	}
	if !ok {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = dict.Label(a)
		}
		return Order{}, apperr.Field("sort", "此列表只能按以下各列排序: "+strings.Join(names, "、"))
	}
	switch order {
	case "", "asc":
		return Order{Field: sort}, nil
	case "desc":
		return Order{Field: sort, Desc: true}, nil
	}
	return Order{}, apperr.Field("order", "排序方向应为 asc(升序)或 desc(降序)")
}

// Page is the answer of every list route: the rows of this page and the
// number of rows over all pages.
type Page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// Of builds a page, never with a nil Items (it encodes as []).
func Of[T any](items []T, total int) Page[T] {
	if items == nil {
		items = []T{}
	}
	return Page[T]{Items: items, Total: total}
}
