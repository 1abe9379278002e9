package wish

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// Post kinds and statuses of the exchange page (淄博's online exchange
// platform, rule R3).
const (
	PostActivity = "activity" // an organizer's activity news, published at once
	PostStory    = "story"    // a volunteer's story, published once approved

	PostPending   = "pending"
	PostPublished = "published"
	PostRejected  = "rejected"
)

// PostInput is a new activity post or story.
type PostInput struct {
	Title  string   `json:"title" validate:"required,min=2,max=60"`
	Text   string   `json:"text" validate:"required,min=5,max=5000"`
	Area   string   `json:"area" validate:"required,len=12,numeric"`
	Date   string   `json:"date" validate:"required,datetime=2006-01-02"`
	Photos []string `json:"photos,omitempty" validate:"max=9,unique,dive,max=64"`
	// Consent records that the elders shown or named agreed to it; without
	// it the text may not name an elder of the area, nor carry a phone or
	// ID number.
	Consent     bool   `json:"consent,omitempty"`
	ConsentNote string `json:"consentNote,omitempty" validate:"required_if=Consent true,max=200"`
}

// Post is one entry of the exchange page.
type Post struct {
	ID          string    `bson:"_id" json:"id"`
	Kind        string    `bson:"kind" json:"kind"`
	Title       string    `bson:"title" json:"title"`
	Text        string    `bson:"text" json:"text"`
	Area        string    `bson:"area" json:"area"`
	AreaName    string    `bson:"areaName" json:"areaName"`
	CountyName  string    `bson:"countyName" json:"countyName"`
	Areas       []string  `bson:"areas" json:"-"`
	Date        string    `bson:"date" json:"date"`
	Photos      []string  `bson:"photos" json:"photos"`
	Consent     bool      `bson:"consent" json:"consent"`
	ConsentNote string    `bson:"consentNote,omitempty" json:"consentNote,omitempty"`
	Status      string    `bson:"status" json:"status"`
	Author      string    `bson:"author" json:"author"`
	AuthorName  string    `bson:"authorName" json:"authorName"`
	AuthorKind  string    `bson:"authorKind" json:"authorKind"`
	Steps       []Step    `bson:"steps" json:"steps"`
	PublishedAt time.Time `bson:"publishedAt,omitempty" json:"publishedAt,omitempty"`
	Version     int       `bson:"version" json:"version"`
	CreatedAt   time.Time `bson:"createdAt" json:"createdAt"`
	UpdatedAt   time.Time `bson:"updatedAt" json:"updatedAt"`
}

// PostView is what the public page shows: no author ids, no codes.
type PostView struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	Text        string    `json:"text"`
	AreaName    string    `json:"areaName"`
	County      string    `json:"county"`
	CountyName  string    `json:"countyName"`
	Date        string    `json:"date"`
	Photos      []string  `json:"photos"` // URLs
	Author      string    `json:"author"`
	PublishedAt time.Time `json:"publishedAt"`
}

// View returns the public view of p.
func (p Post) View() PostView {
	v := PostView{ID: p.ID, Kind: p.Kind, Title: p.Title, Text: p.Text, AreaName: p.AreaName, County: area.AncestorAt(p.Area, area.County), CountyName: p.CountyName, Date: p.Date, Photos: []string{}, PublishedAt: p.PublishedAt}
	for _, ph := range p.Photos {
		v.Photos = append(v.Photos, "/api/public/photos/"+ph)
	}
	v.Author = "团组织"
	if p.AuthorKind == access.KindVolunteer {
		v.Author = "志愿者" + maskName(p.AuthorName)
	}
	return v
}

// PostFilter selects posts.
type PostFilter struct {
	Area   string
	Status []string
	Author string
	// Order is a field of PostSorts (empty: newest published first).
	Order  page.Order
	Offset int
	Limit  int
}

// PostSorts are the columns the post list sorts on, on the server (each
// served by an index on the subtree or the author, the column and _id).
var PostSorts = []string{"date"}

// CreatePost stores an organizer's activity post (published at once) or
// a volunteer's story (pending until an organizer approves it). The area
// must be the organizer's subtree or the volunteer's own county; photos
// must have been uploaded by the author and not used elsewhere.
func (s *Service) CreatePost(ctx context.Context, p access.Principal, in PostInput) (Post, error) {
	if err := valid.Struct(in); err != nil {
		return Post{}, err
	}
	code, err := area.NormalizeCode(in.Area)
	if err != nil {
		return Post{}, apperr.Field("area", "区划代码不正确")
	}
	kind := PostStory
	switch {
	case p.IsOrganizer():
		if err := access.Writer.Check(p); err != nil {
			return Post{}, err
		}
		if !area.Within(code, p.Region) {
			return Post{}, apperr.Field("area", "该区划不在您的管辖范围内")
		}
		kind = PostActivity
	case p.Kind == access.KindVolunteer:
		home, err := s.volunteerCounty(ctx, p.ID)
		if err != nil {
			return Post{}, err
		}
		if !area.Within(code, home) {
			return Post{}, apperr.Field("area", "只能发布本县(区)的服务故事")
		}
	default:
		return Post{}, access.WriterOrVolunteer.Check(p)
	}
	reg, err := s.Store.Region(ctx, code)
	if err != nil {
		return Post{}, apperr.Field("area", "区划不存在")
	}
	countyName := reg.Name
	if county := area.AncestorAt(code, area.County); county != code {
		if cr, err := s.Store.Region(ctx, county); err == nil {
			countyName = cr.Name
		}
	}
	d, err := clock.ParseDate(in.Date)
	if err != nil || d.After(s.Now().AddDate(0, 0, 1)) {
		return Post{}, apperr.Field("date", "日期不正确(不能晚于今天)")
	}
	title, text := cleanText(in.Title), cleanText(in.Text)
	if !in.Consent {
		names, err := s.Store.ElderNamesIn(ctx, code)
		if err != nil {
			return Post{}, fmt.Errorf("wish.CreatePost: %w", err)
		}
		for f, t := range map[string]string{"title": title, "text": text} {
			if what := personalData(t, names); what != "" {
				return Post{}, apperr.Field(f, "未登记老人同意, 内容不能包含"+what)
			}
		}
	}
	now := s.Now()
	post := Post{ID: s.NewID(), Kind: kind, Title: title, Text: text, Area: code, AreaName: reg.Name, CountyName: countyName, Areas: area.AreasOf(code), Date: in.Date,
		Photos: []string{}, Consent: in.Consent, ConsentNote: cleanText(in.ConsentNote), Status: PostPending, Author: p.ID, AuthorName: p.Name,
		AuthorKind: p.Kind, Steps: []Step{{Kind: StepRecorded, By: p.ID, ByName: p.Name, At: now}}, Version: 1, CreatedAt: now, UpdatedAt: now}
	if kind == PostActivity {
		post.Status, post.PublishedAt = PostPublished, now
		post.Steps = append(post.Steps, Step{Kind: StepApproved, By: p.ID, ByName: p.Name, At: now})
	}
	for i, id := range in.Photos {
		ph, err := s.Store.Photo(ctx, id)
		if err != nil || ph.By != p.ID || ph.Post != "" {
			return Post{}, apperr.Field(fmt.Sprintf("photos[%d]", i), "照片不存在或已被使用, 请重新上传")
		}
		post.Photos = append(post.Photos, id)
	}
	for _, id := range post.Photos {
		if err := s.Store.AttachPhoto(ctx, id, p.ID, post.ID); err != nil {
			return Post{}, fmt.Errorf("wish.CreatePost: %w", err)
		}
	}
	if err := s.Store.InsertPost(ctx, post); err != nil {
		return Post{}, fmt.Errorf("wish.CreatePost: %w", err)
	}
	if post.Status == PostPublished {
		s.changed(ctx)
	}
	return post, nil
}

func (s *Service) volunteerCounty(ctx context.Context, id string) (string, error) {
	v, err := s.Store.Volunteer(ctx, id)
	if err != nil {
		return "", fmt.Errorf("wish.volunteerCounty: %w", err)
	}
	return area.AncestorAt(v.Village, area.County), nil
}

// mayReadPost reports whether p sees post in the staff API: an
// organizer of its subtree, or its author.
func mayReadPost(p access.Principal, post Post) bool {
	return p.Sees(post.Areas) || (p.Kind == access.KindVolunteer && post.Author == p.ID)
}

// GetPost returns a post for the staff API.
func (s *Service) GetPost(ctx context.Context, p access.Principal, id string) (Post, error) {
	post, err := s.Store.Post(ctx, id)
	if err != nil || !mayReadPost(p, post) {
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return Post{}, fmt.Errorf("wish.GetPost: %w", err)
		}
		return Post{}, apperr.NotFoundf("文章不存在")
	}
	return post, nil
}

// ListPosts lists posts for the staff API: an organizer's subtree, or a
// volunteer's own.
func (s *Service) ListPosts(ctx context.Context, p access.Principal, f PostFilter) ([]Post, int, error) {
	switch {
	case p.IsOrganizer():
		if f.Area == "" {
			f.Area = p.Region
		} else if c, err := area.NormalizeCode(f.Area); err != nil || !area.Within(c, p.Region) {
			return nil, 0, apperr.Field("area", "该区划不在您的管辖范围内")
		} else {
			f.Area = c
		}
	case p.Kind == access.KindVolunteer:
		f.Area, f.Author = "", p.ID
	default:
		return nil, 0, access.StaffOrVolunteer.Check(p)
	}
	ps, n, err := s.Store.Posts(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("wish.ListPosts: %w", err)
	}
	return ps, n, nil
}

// DecidePost approves or rejects a pending story (an organizer who may
// write in its area).
func (s *Service) DecidePost(ctx context.Context, p access.Principal, id string, approve bool, d Decision) (Post, error) {
	if err := valid.Struct(d); err != nil {
		return Post{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Post{}, err
	}
	post, err := s.Store.Post(ctx, id)
	if err != nil || !p.Sees(post.Areas) {
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return Post{}, fmt.Errorf("wish.DecidePost: %w", err)
		}
		return Post{}, apperr.NotFoundf("文章不存在")
	}
	if post.Version != d.Version {
		return Post{}, apperr.New(apperr.Conflict, "文章已被他人修改, 请刷新后重试")
	}
	if post.Status != PostPending {
		return Post{}, apperr.New(apperr.Conflict, "该文章已审核")
	}
	now := s.Now()
	if approve {
		post.Status, post.PublishedAt = PostPublished, now
		post.Steps = append(post.Steps, Step{Kind: StepApproved, By: p.ID, ByName: p.Name, Note: cleanText(d.Note), At: now})
	} else {
		if strings.TrimSpace(d.Note) == "" {
			return Post{}, apperr.Field("note", "请说明不予发布的原因")
		}
		post.Status = PostRejected
		post.Steps = append(post.Steps, Step{Kind: StepRejected, By: p.ID, ByName: p.Name, Note: cleanText(d.Note), At: now})
	}
	post.UpdatedAt = now
	if err := s.Store.ReplacePost(ctx, &post); err != nil {
		return Post{}, fmt.Errorf("wish.DecidePost: %w", err)
	}
	s.changed(ctx)
	return post, nil
}

// PublicPosts lists published posts inside area (any code; empty: all),
// newest first.
func (s *Service) PublicPosts(ctx context.Context, areaCode string, offset, limit int) ([]PostView, int, error) {
	f := PostFilter{Status: []string{PostPublished}, Offset: offset, Limit: limit}
	if areaCode != "" {
		c, err := area.NormalizeCode(areaCode)
		if err != nil {
			return nil, 0, apperr.Field("area", "区划代码不正确")
		}
		f.Area = c
	}
	key := fmt.Sprintf("post-public:%s:%s:%d:%d", s.generation(ctx), f.Area, f.Offset, f.Limit)
	return cached(ctx, s.Cache, key, func() ([]PostView, int, error) {
		ps, n, err := s.Store.Posts(ctx, f)
		if err != nil {
			return nil, 0, fmt.Errorf("wish.PublicPosts: %w", err)
		}
		out := make([]PostView, len(ps))
		for i, p := range ps {
			out[i] = p.View()
		}
		return out, n, nil
	})
}

// PublicPost returns one published post.
func (s *Service) PublicPost(ctx context.Context, id string) (PostView, error) {
	p, err := s.Store.Post(ctx, id)
	if err != nil || p.Status != PostPublished {
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return PostView{}, fmt.Errorf("wish.PublicPost: %w", err)
		}
		return PostView{}, apperr.NotFoundf("文章不存在")
	}
	return p.View(), nil
}
