// Package demo generates the demo data set: Shandong's 16 real cities with
// generated counties, townships and villages, and elders, volunteers,
// carers and organizer accounts at every level. Full scale is the real
// programme's size (100 counties, 10,288 elders, 21,087 volunteers).
package demo

import (
	"fmt"
	"math/rand/v2"

	"jinhui/services/registry"
)

// city is one of Shandong's prefecture-level cities with its code and the
// approximate coordinates of its seat.
type city struct {
	code     string
	name     string
	lat, lon float64
	counties int
}

// Shandong's 16 cities (their real 4-digit codes); counties add up to 100
// as in the programme (PROGRAMME.md R1).
var cities = []city{
	{"3701", "济南市", 36.65, 117.00, 8}, {"3702", "青岛市", 36.07, 120.38, 7}, {"3703", "淄博市", 36.81, 118.05, 6},
	{"3704", "枣庄市", 34.81, 117.32, 5}, {"3705", "东营市", 37.43, 118.67, 4}, {"3706", "烟台市", 37.46, 121.45, 8},
	{"3707", "潍坊市", 36.71, 119.16, 8}, {"3708", "济宁市", 35.41, 116.59, 8}, {"3709", "泰安市", 36.20, 117.09, 5},
	{"3710", "威海市", 37.51, 122.12, 4}, {"3711", "日照市", 35.42, 119.53, 4}, {"3713", "临沂市", 35.10, 118.36, 8},
	{"3714", "德州市", 37.44, 116.36, 7}, {"3715", "聊城市", 36.46, 115.99, 6}, {"3716", "滨州市", 37.38, 117.97, 5},
	{"3717", "菏泽市", 35.23, 115.48, 7},
}

var countyNames = []string{"东", "西", "南", "北", "中", "新", "安", "平", "阳", "宁", "华", "丰"}
var countySuffix = []string{"城区", "山县", "河县", "丘市", "台县", "水县", "原县", "陵县"}
var townNames = []string{"城关镇", "柳河镇", "石桥镇", "杨庄乡", "王店镇", "李集乡", "高村镇", "双河乡", "马坊镇", "北湖街道"}
var villageNames = []string{"张家村", "李庄村", "王家屯", "刘楼村", "陈家洼", "杨树村", "赵庄村", "黄河村", "周家村", "吴集村", "孙家村", "郑庄村", "前街社区", "后营村", "东关村"}

// Scale sets the size of the generated tree and registers.
type Scale struct {
	TownshipsPerCounty int
	VillagesPerTown    int
	Elders             int
	Volunteers         int
	Carers             int
	// PopulatedCounties limits people to the first N counties (0: all).
	PopulatedCounties int
	// CountiesPerCity limits the counties generated in each city to its
	// first N (0: all of them, 100 in the province).
	CountiesPerCity int
}

// Small is the demo loaded by JINHUI_DEMO=1: the whole tree, people in
// three counties so that a first run starts in seconds.
var Small = Scale{TownshipsPerCounty: 4, VillagesPerTown: 6, Elders: 300, Volunteers: 620, Carers: 40, PopulatedCounties: 3}

// Full is the programme's real scale (PROGRAMME.md R1, P1).
var Full = Scale{TownshipsPerCounty: 4, VillagesPerTown: 6, Elders: 10288, Volunteers: 21087, Carers: 1223}

// Regions generates the region tree: province, 16 cities, 100 counties (or
// sc.CountiesPerCity in each city) and their townships and villages, with
// coordinates scattered around each seat.
func Regions(sc Scale, rng *rand.Rand) []registry.Region {
	out := []registry.Region{{Code: "370000000000", Name: "山东省", Level: registry.Province, Lat: 36.67, Lon: 117.02}}
	for _, c := range cities {
		cc := c.code + "00000000"
		out = append(out, registry.Region{Code: cc, Name: c.name, Level: registry.City, Parent: "370000000000", Lat: c.lat, Lon: c.lon})
		for k := 1; k <= c.counties; k++ {
			county := countyTree(sc, rng, c, k)
			// A county left out (CountiesPerCity) has drawn its
			// coordinates all the same: the same seed then gives the same
			// people in a smaller tree.
			if sc.CountiesPerCity == 0 || k <= sc.CountiesPerCity {
				out = append(out, county...)
			}
		}
	}
	return out
}

// countyTree generates a city's k-th county with its townships and
// villages.
func countyTree(sc Scale, rng *rand.Rand, c city, k int) []registry.Region {
	code := fmt.Sprintf("%s%02d", c.code, k)
	name := countyNames[(k*7+len(c.name))%len(countyNames)] + countySuffix[k%len(countySuffix)]
	if k == 1 {
		name = "市中区"
	}
	lat, lon := c.lat+(rng.Float64()-0.5)*0.8, c.lon+(rng.Float64()-0.5)*0.8
	out := []registry.Region{{Code: code + "000000", Name: name, Level: registry.County, Parent: c.code + "00000000", Lat: lat, Lon: lon, ElderQuota: 200}}
	for t := 1; t <= sc.TownshipsPerCounty; t++ {
		tcode := fmt.Sprintf("%s%03d", code, t)
		tlat, tlon := lat+(rng.Float64()-0.5)*0.3, lon+(rng.Float64()-0.5)*0.3
		out = append(out, registry.Region{Code: tcode + "000", Name: townNames[(t+k)%len(townNames)], Level: registry.Township, Parent: code + "000000", Lat: tlat, Lon: tlon})
		for v := 1; v <= sc.VillagesPerTown; v++ {
			out = append(out, registry.Region{Code: fmt.Sprintf("%s%03d", tcode, v), Name: villageNames[(v*3+t+k)%len(villageNames)],
				Level: registry.Village, Parent: tcode + "000", Lat: tlat + (rng.Float64()-0.5)*0.1, Lon: tlon + (rng.Float64()-0.5)*0.1})
		}
	}
	return out
}
