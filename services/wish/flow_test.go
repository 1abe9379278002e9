package wish_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"jinhui/services/notify"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/services/visit/visittest"
	"jinhui/services/wish"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/testenv"
	"jinhui/workers"
	"jinhui/workers/tasks"
)

const countyA = "370101000000"

func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pairedElder returns an active elder of county A with a paired volunteer.
func pairedElder(t *testing.T, h *platformtest.Harness) (registry.Elder, registry.Volunteer) {
	t.Helper()
	ctx := context.Background()
	vols := map[string]registry.Volunteer{}
	var free []registry.Volunteer
	for _, v := range h.Set.Volunteers {
		vols[v.ID] = v
		if registry.Within(v.Village, countyA) && v.Status == "active" {
			free = append(free, v)
		}
	}
	for _, e := range h.Set.Elders {
		if !registry.Within(e.Village, countyA) || e.Status != registry.StatusActive {
			continue
		}
		cur, err := h.P.Store.Elder(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cur.Volunteers) > 0 {
			return cur, vols[cur.Volunteers[0]]
		}
		visittest.Pair(t, h.P.Store, cur, 0, free[0])
		cur, _ = h.P.Store.Elder(ctx, e.ID)
		return cur, free[0]
	}
	t.Fatal("no active elder in county A")
	return registry.Elder{}, registry.Volunteer{}
}

func messagesTo(t *testing.T, h *platformtest.Harness, phone, kind string) []notify.Message {
	t.Helper()
	ms, _, err := h.P.Store.Messages(context.Background(), "", 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Message
	for _, m := range ms {
		if m.To == phone && m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func stepKinds(w wish.Wish) []string {
	var out []string
	for _, s := range w.Steps {
		out = append(out, s.Kind)
	}
	return out
}

// TestWishFromRecordToThanks walks a wish through rule R3: recorded by
// the elder's volunteer → approved → public listing without identifying
// data → claimed with an SMS code → the claim runs out and the wish
// reopens → claimed again → delivered on a visit with the winter item
// (S2) → the donor thanked by SMS; and the figures count every step.
func TestWishFromRecordToThanks(t *testing.T) {
	h := platformtest.New(t)
	ctx := context.Background()
	elder, vol := pairedElder(t, h)
	vtok := h.PhoneLogin(vol.Phone, "volunteer")
	org := h.Login("szq")

	// Record: the public text may not identify the elder.
	in := map[string]any{"elder": elder.ID, "category": "coat", "need": "给" + elder.Name + "买棉衣", "value": 260}
	if r := h.Do("POST", "/api/wishes", vtok, in); r.Status != 400 || r.ErrorField(t) != "need" {
		t.Fatalf("need naming the elder: %d %s", r.Status, r.Body)
	}
	in["need"], in["detail"] = "一件厚棉衣", "联系电话 13912345678"
	if r := h.Do("POST", "/api/wishes", vtok, in); r.Status != 400 || r.ErrorField(t) != "detail" {
		t.Fatalf("detail with a phone: %d %s", r.Status, r.Body)
	}
	in["detail"] = "身高一米六左右, 冬天怕冷"
	var w wish.Wish
	r := h.Do("POST", "/api/wishes", vtok, in)
	r.JSON(t, &w)
	if r.Status != 201 || w.Status != wish.StatusPending || w.AgeBand == "" || w.VillageName == "" {
		t.Fatalf("record: %d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/api/public/wishes/"+w.ID, "", nil); r.Status != 404 {
		t.Fatalf("pending wish is public: %d", r.Status)
	}

	// A phone that recorded a wish offline sends it with its key until it
	// hears back: the wish is recorded once.
	keyed := map[string]any{"elder": elder.ID, "category": "heater", "need": "一个暖手宝", "value": 40, "key": "phone-wish-0001"}
	var k1, k2 wish.Wish
	h.Do("POST", "/api/wishes", vtok, keyed).JSON(t, &k1)
	if r := h.Do("POST", "/api/wishes", vtok, keyed); r.Status != 201 && r.Status != 200 {
		t.Fatalf("keyed wish resent: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &k2)
	}
	if k1.ID == "" || k1.ID != k2.ID {
		t.Fatalf("keyed wish recorded twice: %q %q", k1.ID, k2.ID)
	}
	if n, _ := h.P.Store.DB.Collection("wishes").CountDocuments(ctx, map[string]any{"elder": elder.ID}); n != 2 {
		t.Fatalf("%d wishes of the elder, want 2 (one plain, one keyed sent twice)", n)
	}

	// Approval: not by the sibling county, then by county A.
	if r := h.Do("POST", "/api/wishes/"+w.ID+"/approve", h.Login("linxian"), map[string]any{"version": w.Version}); r.Status != 404 {
		t.Fatalf("sibling county approves: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/wishes/"+w.ID+"/approve", vtok, map[string]any{"version": w.Version}); r.Status != 403 {
		t.Fatalf("volunteer approves: %d %s", r.Status, r.Body)
	}
	r = h.Do("POST", "/api/wishes/"+w.ID+"/approve", org, map[string]any{"version": w.Version, "note": "核实无误"})
	r.JSON(t, &w)
	if r.Status != 200 || w.Status != wish.StatusPublished {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}

	// Public listing: the need, the village-level area and the age band; nothing that identifies the elder.
	r = h.Do("GET", "/api/public/wishes?area="+countyA, "", nil)
	var list struct {
		Items []wish.View
		Total int
	}
	r.JSON(t, &list)
	if r.Status != 200 || list.Total != 1 || list.Items[0].ID != w.ID || list.Items[0].Need != "一件厚棉衣" || list.Items[0].VillageName == "" {
		t.Fatalf("public list: %d %s", r.Status, r.Body)
	}
	for _, secret := range []string{elder.Name, elder.ID, elder.IDNumber, elder.Phone, elder.Address, elder.Village, elder.BirthDate, vol.ID, vol.Name} {
		if secret != "" && strings.Contains(string(r.Body), secret) {
			t.Fatalf("public list shows %q: %s", secret, r.Body)
		}
	}

	// Claim with an SMS code.
	p1, p2 := "13900001111", "13900002222"
	if r := h.Do("POST", "/api/public/wishes/code", "", map[string]any{"phone": p1, "wish": w.ID}); r.Status != 200 {
		t.Fatalf("code: %d %s", r.Status, r.Body)
	}
	claim := map[string]any{"donorKind": "person", "name": "张爱心", "phone": p1, "code": "000000"}
	if r := h.Do("POST", "/api/public/wishes/"+w.ID+"/claim", "", claim); r.Status != 400 || r.ErrorField(t) != "code" {
		t.Fatalf("wrong code: %d %s", r.Status, r.Body)
	}
	claim["code"] = h.LastCode("+86" + p1)
	var cr wish.ClaimResult
	r = h.Do("POST", "/api/public/wishes/"+w.ID+"/claim", "", claim)
	r.JSON(t, &cr)
	if r.Status != 201 || cr.Wish.Status != wish.StatusClaimed || cr.Until.Sub(time.Now()) < 6*24*time.Hour {
		t.Fatalf("claim: %d %s", r.Status, r.Body)
	}
	if strings.Contains(string(r.Body), p1) {
		t.Fatalf("claim answer shows the phone: %s", r.Body)
	}
	// The cached public list follows at once: no longer open, now claimed.
	if r := h.Do("GET", "/api/public/wishes?area="+countyA, "", nil); !strings.Contains(string(r.Body), `"total":0`) {
		t.Fatalf("claimed wish still listed as open: %s", r.Body)
	}
	if r := h.Do("GET", "/api/public/wishes?status=claimed", "", nil); !strings.Contains(string(r.Body), w.ID) || !strings.Contains(string(r.Body), "爱心人士") {
		t.Fatalf("claimed list: %s", r.Body)
	}
	// Never claimed twice at once.
	if r := h.Do("POST", "/api/public/wishes/code", "", map[string]any{"phone": p2, "wish": w.ID}); r.Status != 409 {
		t.Fatalf("code for a claimed wish: %d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/api/wishes/"+w.ID, org, nil); r.Status != 200 || strings.Contains(string(r.Body), p1) {
		t.Fatalf("staff view shows the donor's full phone: %s", r.Body)
	}

	// The claim runs out: the sweep (the worker's task) reopens the wish.
	later := time.Now().Add(8 * 24 * time.Hour)
	h.P.Wishes.Now = func() time.Time { return later }
	wh := &workers.Handlers{Wishes: h.P.Wishes, SMS: h.P.SMS, Visits: h.P.Visits, Pairing: h.P.Pairing, Log: h.P.Log}
	for i := 0; i < 2; i++ { // twice: idempotent
		if err := wh.Mux().ProcessTask(ctx, tasks.NewWishExpireTask()); err != nil {
			t.Fatal(err)
		}
	}
	w, _ = h.P.Store.Wish(ctx, w.ID)
	if w.Status != wish.StatusPublished || w.Claim != nil || w.ClaimSeq != 1 {
		t.Fatalf("after expiry: %+v", w)
	}

	// Re-claimed by a company.
	if r := h.Do("POST", "/api/public/wishes/code", "", map[string]any{"phone": p2, "wish": w.ID}); r.Status != 200 {
		t.Fatalf("code after reopening: %d %s", r.Status, r.Body)
	}
	claim = map[string]any{"donorKind": "company", "name": "李经理", "org": "淄博爱心商贸", "phone": p2, "code": h.LastCode("+86" + p2)}
	r = h.Do("POST", "/api/public/wishes/"+w.ID+"/claim", "", claim)
	r.JSON(t, &cr)
	if r.Status != 201 || cr.Wish.Donor != "淄博爱心商贸" {
		t.Fatalf("re-claim: %d %s", r.Status, r.Body)
	}

	// Delivered on a visit: the volunteer ticks the winter item at check-out.
	h.P.Visits.Now = func() time.Time { return later }
	today := clock.Today(later)
	v := visit.Visit{ID: elder.ID + ":" + today[:7] + ":9", Elder: elder.ID, ElderName: elder.Name, Village: elder.Village, Areas: elder.Areas,
		County: countyA, Month: today[:7], N: 9, Date: today, Volunteer: vol.ID, VolunteerName: vol.Name, People: []string{vol.ID},
		Status: visit.StatusPlanned, Checklist: append([]visit.Item{}, visit.FiveOnes...), Changes: []visit.Change{}, Version: 1, CreatedAt: later, UpdatedAt: later}
	if _, err := h.P.Store.InsertVisits(ctx, []visit.Visit{v}); err != nil {
		t.Fatal(err)
	}
	if r := h.Do("POST", "/api/visits/"+v.ID+"/checkin", vtok, map[string]any{"key": "wish-ci-0001"}); r.Status != 200 {
		t.Fatalf("check-in: %d %s", r.Status, r.Body)
	}
	co := map[string]any{"key": "wish-co-0001", "items": []string{"chat", "housework", "hygiene", "winter"}}
	for i := 0; i < 2; i++ { // sent twice (offline phone): one delivery, one thanks
		if r := h.Do("POST", "/api/visits/"+v.ID+"/checkout", vtok, co); r.Status != 200 {
			t.Fatalf("check-out: %d %s", r.Status, r.Body)
		}
	}
	w, _ = h.P.Store.Wish(ctx, w.ID)
	want := []string{wish.StepRecorded, wish.StepApproved, wish.StepClaimed, wish.StepExpired, wish.StepClaimed, wish.StepDelivered, wish.StepThanked}
	if w.Status != wish.StatusDelivered || !slices.Equal(stepKinds(w), want) {
		t.Fatalf("after delivery: %s %v", w.Status, stepKinds(w))
	}
	for _, st := range w.Steps {
		if st.By == "" || st.At.IsZero() {
			t.Fatalf("step without who or when: %+v", st)
		}
		if st.Kind == wish.StepDelivered && (st.Visit != v.ID || st.By != vol.ID) {
			t.Fatalf("delivery step: %+v", st)
		}
	}
	if ms := messagesTo(t, h, "+86"+p2, "wish"); len(ms) != 2 || !strings.Contains(ms[0].Body+ms[1].Body, "感谢") {
		t.Fatalf("donor 2 texts: %+v", ms)
	}
	for _, m := range messagesTo(t, h, "+86"+p1, "wish") {
		if strings.Contains(m.Body, "送到") {
			t.Fatalf("the first donor, whose claim ran out, was thanked: %s", m.Body)
		}
	}

	// Figures by area and month.
	r = h.Do("GET", "/api/wishes/figures?area="+countyA, org, nil)
	var figs struct{ Items []wish.FigureRow }
	r.JSON(t, &figs)
	var sum wish.FigureRow
	for _, f := range figs.Items {
		sum.Published += f.Published
		sum.Claimed += f.Claimed
		sum.Expired += f.Expired
		sum.Delivered += f.Delivered
		sum.DeliveredValue += f.DeliveredValue
		if f.AreaName == "" || len(f.Month) != 7 {
			t.Fatalf("figure row: %+v", f)
		}
	}
	if r.Status != 200 || sum.Published != 1 || sum.Claimed != 2 || sum.Expired != 1 || sum.Delivered != 1 || sum.DeliveredValue != 260 {
		t.Fatalf("figures: %d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/api/wishes/figures?area="+countyA, h.Login("linxian"), nil); r.Status != 400 {
		t.Fatalf("sibling county reads county A's figures: %d", r.Status)
	}
}

// TestClaimIsUniqueUnderRace races eight inserts of the same claim round:
// exactly one wins (an insert on a unique _id, never an update).
func TestClaimIsUniqueUnderRace(t *testing.T) {
	h := platformtest.New(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, lost := 0, 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := h.P.Store.InsertWishClaim(context.Background(), wish.Claim{ID: "w1:1", Wish: "w1", Seq: 1, Name: fmt.Sprint("donor", i)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case apperr.Is(err, apperr.Conflict):
				lost++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || lost != 7 {
		t.Fatalf("won %d, lost %d", won, lost)
	}
}

// TestPostFromSubmissionToPublicPage: a volunteer uploads a photo (scaled,
// type-checked by content) and submits a story; it is hidden until an
// organizer approves it; the public page lists posts by area, newest
// first, and serves the photo. Without recorded consent a story may not
// name an elder.
func TestPostFromSubmissionToPublicPage(t *testing.T) {
	h := platformtest.New(t)
	elder, vol := pairedElder(t, h)
	vtok := h.PhoneLogin(vol.Phone, "volunteer")
	org := h.Login("szq")
	today := clock.Today(time.Now())

	if r := h.Upload("/api/exchange/photos", vtok, "fake.jpg", []byte("<html>not an image</html>")); r.Status != 400 || r.ErrorField(t) != "file" {
		t.Fatalf("non-image upload: %d %s", r.Status, r.Body)
	}
	var ph wish.Photo
	r := h.Upload("/api/exchange/photos", vtok, "big.png", pngOf(t, 2400, 1200))
	r.JSON(t, &ph)
	if r.Status != 201 || ph.Width != 1600 || ph.Height != 800 || ph.Size > wish.MaxStoredSize {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}

	story := map[string]any{"title": "陪老人过重阳", "text": "今天我们去看望了" + elder.Name + ", 一起包饺子。", "area": elder.Village, "date": today, "photos": []string{ph.ID}}
	if r := h.Do("POST", "/api/exchange/posts", vtok, story); r.Status != 400 || r.ErrorField(t) != "text" {
		t.Fatalf("story naming an elder without consent: %d %s", r.Status, r.Body)
	}
	story["text"] = "今天我们去看望了村里的老人, 一起包饺子、打扫院子。"
	var post wish.Post
	r = h.Do("POST", "/api/exchange/posts", vtok, story)
	r.JSON(t, &post)
	if r.Status != 201 || post.Status != wish.PostPending || post.Kind != wish.PostStory {
		t.Fatalf("submit story: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/exchange/posts", vtok, story); r.Status != 400 || r.ErrorField(t) != "photos[0]" {
		t.Fatalf("photo used twice: %d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/api/public/posts/"+post.ID, "", nil); r.Status != 404 {
		t.Fatalf("pending story is public: %d", r.Status)
	}
	if r := h.Do("GET", "/api/public/photos/"+ph.ID, "", nil); r.Status != 404 {
		t.Fatalf("photo of a pending story is public: %d", r.Status)
	}
	if r := h.Do("GET", "/api/exchange/photos/"+ph.ID, org, nil); r.Status != 200 {
		t.Fatalf("organizer previews the photo: %d", r.Status)
	}

	// An organizer's activity post is published at once.
	act := map[string]any{"title": "金晖助老冬季送温暖活动", "text": "团县委组织志愿者为老人送去棉衣和取暖器。", "area": countyA, "date": today}
	var published wish.Post
	if r := h.Do("POST", "/api/exchange/posts", org, act); r.Status != 201 {
		t.Fatalf("activity: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &published)
	}
	// The public page is newest first, at the store's millisecond: the
	// approval below must fall in a later millisecond than the activity.
	testenv.WaitFor(t, time.Second, "clock past the activity's publication", func() bool {
		return time.Now().Truncate(time.Millisecond).After(published.PublishedAt)
	})
	if r := h.Do("POST", "/api/exchange/posts/"+post.ID+"/approve", h.Login("linxian"), map[string]any{"version": post.Version}); r.Status != 404 {
		t.Fatalf("sibling county approves: %d", r.Status)
	}
	r = h.Do("POST", "/api/exchange/posts/"+post.ID+"/approve", org, map[string]any{"version": post.Version})
	r.JSON(t, &post)
	if r.Status != 200 || post.Status != wish.PostPublished {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}

	r = h.Do("GET", "/api/public/posts?area="+countyA, "", nil)
	var list struct {
		Items []wish.PostView
		Total int
	}
	r.JSON(t, &list)
	if r.Status != 200 || list.Total != 2 || list.Items[0].ID != post.ID || len(list.Items[0].Photos) != 1 {
		t.Fatalf("public page: %d %s", r.Status, r.Body)
	}
	for _, secret := range []string{elder.Name, vol.ID, vol.Name, vol.Phone} {
		if strings.Contains(string(r.Body), secret) {
			t.Fatalf("public page shows %q", secret)
		}
	}
	if r := h.Do("GET", "/api/public/posts?area=370102000000", "", nil); !strings.Contains(string(r.Body), `"total":0`) {
		t.Fatalf("other county's page: %s", r.Body)
	}
	r = h.Do("GET", list.Items[0].Photos[0], "", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("public photo: %d %v", r.Status, r.Header)
	}
	if img, err := jpeg.Decode(bytes.NewReader(r.Body)); err != nil || img.Bounds().Dx() != 1600 {
		t.Fatalf("served photo: %v", err)
	}
}

// TestTwoDonorsRace has two donors, each with a valid code, claim the same
// wish at the same moment: exactly one wins, the other is told it is taken.
func TestTwoDonorsRace(t *testing.T) {
	h := platformtest.New(t)
	elder, _ := pairedElder(t, h)
	org := h.Login("szq")
	var w wish.Wish
	r := h.Do("POST", "/api/wishes", org, map[string]any{"elder": elder.ID, "category": "heater", "need": "一个小电暖器", "value": 150})
	r.JSON(t, &w)
	if r.Status != 201 {
		t.Fatalf("record: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/wishes/"+w.ID+"/approve", org, map[string]any{"version": w.Version}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	phones := []string{"13900003333", "13900004444", "13900005555", "13900006666"}
	bodies := make([]map[string]any, len(phones))
	for i, ph := range phones {
		if r := h.Do("POST", "/api/public/wishes/code", "", map[string]any{"phone": ph, "wish": w.ID}); r.Status != 200 {
			t.Fatalf("code: %d %s", r.Status, r.Body)
		}
		bodies[i] = map[string]any{"donorKind": "person", "name": "赵爱心", "phone": ph, "code": h.LastCode("+86" + ph)}
	}
	statuses := make([]int, len(phones))
	var wg sync.WaitGroup
	for i := range phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = h.Do("POST", "/api/public/wishes/"+w.ID+"/claim", "", bodies[i]).Status
		}()
	}
	wg.Wait()
	won := 0
	for _, st := range statuses {
		switch st {
		case 201:
			won++
		case 409:
		default:
			t.Fatalf("claim answered %d", st)
		}
	}
	got, _ := h.P.Store.Wish(context.Background(), w.ID)
	if won != 1 || got.Status != wish.StatusClaimed || got.ClaimSeq != 1 {
		t.Fatalf("winners %d, statuses %v, wish %s seq %d", won, statuses, got.Status, got.ClaimSeq)
	}
}

// TestClaimCutShortIsFinished (rule R3, issue 12): a claim stored whose
// wish was never updated (the process stopped between the two writes)
// no longer blocks the wish: the same donor's retry finishes their claim,
// and once the orphan is old another donor claims the next round. Before,
// every later claim hit the orphan and the wish stayed open for good.
func TestClaimCutShortIsFinished(t *testing.T) {
	h := platformtest.New(t)
	elder, _ := pairedElder(t, h)
	org := h.Login("szq")
	ctx := context.Background()
	open := func(need string) wish.Wish {
		var w wish.Wish
		r := h.Do("POST", "/api/wishes", org, map[string]any{"elder": elder.ID, "category": "heater", "need": need, "value": 150})
		r.JSON(t, &w)
		if r.Status != 201 {
			t.Fatalf("record: %d %s", r.Status, r.Body)
		}
		if r := h.Do("POST", "/api/wishes/"+w.ID+"/approve", org, map[string]any{"version": w.Version}); r.Status != 200 {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
		return w
	}
	claim := func(w wish.Wish, phone string) int {
		if r := h.Do("POST", "/api/public/wishes/code", "", map[string]any{"phone": phone, "wish": w.ID}); r.Status != 200 {
			t.Fatalf("code: %d %s", r.Status, r.Body)
		}
		return h.Do("POST", "/api/public/wishes/"+w.ID+"/claim", "", map[string]any{"donorKind": "person", "name": "赵爱心", "phone": phone, "code": h.LastCode("+86" + phone)}).Status
	}
	// The same donor retries: their claim is finished.
	w1 := open("一件棉衣")
	if err := h.P.Store.InsertWishClaim(ctx, wish.Claim{ID: w1.ID + ":1", Wish: w1.ID, Seq: 1, DonorKind: "person", Name: "赵爱心", Phone: "+8613900007777",
		At: time.Now(), Until: time.Now().AddDate(0, 0, 7)}); err != nil {
		t.Fatal(err)
	}
	if st := claim(w1, "13900007777"); st != 201 {
		t.Fatalf("the donor's retry after the cut: %d", st)
	}
	if got, _ := h.P.Store.Wish(ctx, w1.ID); got.Status != wish.StatusClaimed || got.ClaimSeq != 1 || got.Claim.Phone != "+8613900007777" {
		t.Fatalf("wish after the retry: %s seq %d", got.Status, got.ClaimSeq)
	}
	// Another donor, once the orphan is old: the next round is theirs.
	w2 := open("一床棉被")
	if err := h.P.Store.InsertWishClaim(ctx, wish.Claim{ID: w2.ID + ":1", Wish: w2.ID, Seq: 1, DonorKind: "person", Name: "钱爱心", Phone: "+8613900008888",
		At: time.Now().Add(-time.Hour), Until: time.Now().AddDate(0, 0, 7)}); err != nil {
		t.Fatal(err)
	}
	if st := claim(w2, "13900009999"); st != 201 {
		t.Fatalf("a new donor blocked by an orphaned claim: %d", st)
	}
	if got, _ := h.P.Store.Wish(ctx, w2.ID); got.Status != wish.StatusClaimed || got.ClaimSeq != 2 || got.Claim.Phone != "+8613900009999" {
		t.Fatalf("wish after the new donor: %s seq %d", got.Status, got.ClaimSeq)
	}
}
