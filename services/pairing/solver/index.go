package solver

import (
	"math"
	"slices"
)

// volIndex finds neighbour volunteers by a grid of cells one radius wide, and the others by
// county.
type volIndex struct {
	cell      int32
	minX      int32
	minY      int32
	nx, ny    int32
	cellStart []int32
	cellVols  []int32
	byCounty  [][RoleAny + 1][]int32 // other volunteers by county and role, all at RoleAny
}

func newVolIndex(vols []Volunteer, radius int32) *volIndex {
	ix := &volIndex{cell: radius, minX: math.MaxInt32, minY: math.MaxInt32}
	maxX, maxY := int32(math.MinInt32), int32(math.MinInt32)
	for i := range vols {
		v := &vols[i]
		if v.Capacity <= 0 || v.Role >= RoleAny {
			continue
		}
		if v.Role == RoleNeighbour {
			ix.minX, ix.minY = min(ix.minX, v.At.X), min(ix.minY, v.At.Y)
			maxX, maxY = max(maxX, v.At.X), max(maxY, v.At.Y)
		} else if v.County >= 0 {
			for int(v.County) >= len(ix.byCounty) {
				ix.byCounty = append(ix.byCounty, [RoleAny + 1][]int32{})
			}
			lists := &ix.byCounty[v.County]
			lists[v.Role] = append(lists[v.Role], int32(i))
			lists[RoleAny] = append(lists[RoleAny], int32(i))
		}
	}
	if maxX < ix.minX {
		return ix
	}
	ix.nx, ix.ny = (maxX-ix.minX)/radius+1, (maxY-ix.minY)/radius+1
	ix.cellStart = make([]int32, ix.nx*ix.ny+1)
	for i := range vols {
		if vols[i].Role == RoleNeighbour && vols[i].Capacity > 0 {
			ix.cellStart[ix.cellOf(vols[i].At)+1]++
		}
	}
	for c := 1; c < len(ix.cellStart); c++ {
		ix.cellStart[c] += ix.cellStart[c-1]
	}
	ix.cellVols = make([]int32, ix.cellStart[len(ix.cellStart)-1])
	fill := slices.Clone(ix.cellStart)
	for i := range vols {
		if vols[i].Role == RoleNeighbour && vols[i].Capacity > 0 {
			c := ix.cellOf(vols[i].At)
			ix.cellVols[fill[c]] = int32(i)
			fill[c]++
		}
	}
	return ix
}

func (ix *volIndex) cellOf(p Point) int32 {
	return (p.Y-ix.minY)/ix.cell*ix.nx + (p.X-ix.minX)/ix.cell
}

// near calls f for every neighbour volunteer in the 3×3 cells around p.
func (ix *volIndex) near(p Point, f func(int32)) {
	if ix.nx == 0 {
		return
	}
	cx, cy := floorDiv(p.X-ix.minX, ix.cell), floorDiv(p.Y-ix.minY, ix.cell)
	for y := max(cy-1, 0); y <= min(cy+1, ix.ny-1); y++ {
		for x := max(cx-1, 0); x <= min(cx+1, ix.nx-1); x++ {
			c := y*ix.nx + x
			for _, v := range ix.cellVols[ix.cellStart[c]:ix.cellStart[c+1]] {
				f(v)
			}
		}
	}
}

func floorDiv(a, b int32) int32 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// sample appends k distinct positions of 0..n-1 (all of them when n <= k) drawn by Floyd's
// method from a generator seeded with seed.
func sample(out []int32, n, k int, seed uint64) []int32 {
	if n <= k {
		for i := 0; i < n; i++ {
			out = append(out, int32(i))
		}
		return out
	}
	for j := n - k; j < n; j++ {
		seed += 0x9e3779b97f4a7c15
		z := (seed ^ seed>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		t := int32((z ^ z>>31) % uint64(j+1))
		if slices.Contains(out, t) {
			t = int32(j)
		}
		out = append(out, t)
	}
	return out
}
