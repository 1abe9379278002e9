package httpapi

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/gofiber/fiber/v2"
)

var pathParam = regexp.MustCompile(`:([A-Za-z]+)`)

// OpenAPIPath turns a Fiber path (/api/elders/:id) into OpenAPI's form.
func OpenAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

// Spec builds the OpenAPI 3 document from the route table.
func (s *Server) Spec() (*openapi3.T, error) {
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info:    &openapi3.Info{Title: "金晖助老 Jinhui API", Version: "1.0.0", Description: "除标注为公开的接口外, 均需 Authorization: Bearer <token>。错误统一为 {\"error\":{\"code\",\"message\",\"field\"}}。"},
		Paths:   openapi3.NewPaths(),
		Components: &openapi3.Components{
			Schemas: openapi3.Schemas{},
			SecuritySchemes: openapi3.SecuritySchemes{
				"bearer": &openapi3.SecuritySchemeRef{Value: openapi3.NewJWTSecurityScheme().WithBearerFormat("opaque")},
			},
		},
	}
	errSchema, err := openapi3gen.NewSchemaRefForValue(errorBody{}, doc.Components.Schemas)
	if err != nil {
		return nil, err
	}
	for _, r := range s.routes {
		op := openapi3.NewOperation()
		op.Summary, op.Tags = r.summary, []string{r.tag}
		op.OperationID = strings.ToLower(r.method) + strings.NewReplacer("/", "_", ":", "", ".", "_", "{", "", "}", "").Replace(r.path)
		op.Extensions = map[string]any{"x-roles": r.who.Text}
		if !r.who.Open() {
			op.Security = &openapi3.SecurityRequirements{{"bearer": []string{}}}
		}
		for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
			op.AddParameter(openapi3.NewPathParameter(m[1]).WithSchema(openapi3.NewStringSchema()))
		}
		for _, q := range r.query {
			op.AddParameter(openapi3.NewQueryParameter(q).WithSchema(openapi3.NewStringSchema()))
		}
		switch {
		case r.upload:
			file := openapi3.NewObjectSchema().WithProperty("file", openapi3.NewStringSchema().WithFormat("binary"))
			if r.body != nil {
				// an upload with its decisions: a form field holding JSON
				ref, err := openapi3gen.NewSchemaRefForValue(r.body, doc.Components.Schemas)
				if err != nil {
					return nil, fmt.Errorf("schema for %s %s: %w", r.method, r.path, err)
				}
				file.WithPropertyRef("decisions", ref)
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithFormDataSchema(file)}
		case r.body != nil:
			ref, err := openapi3gen.NewSchemaRefForValue(r.body, doc.Components.Schemas)
			if err != nil {
				return nil, fmt.Errorf("schema for %s %s: %w", r.method, r.path, err)
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(ref)}
		}
		ok := openapi3.NewResponse().WithDescription("成功")
		switch {
		case r.binary != "":
			ok.WithContent(openapi3.NewContentWithSchema(openapi3.NewStringSchema().WithFormat("binary"), []string{r.binary}))
		case r.resp != nil:
			ref, err := openapi3gen.NewSchemaRefForValue(r.resp, doc.Components.Schemas)
			if err != nil {
				return nil, fmt.Errorf("schema for %s %s: %w", r.method, r.path, err)
			}
			ok.WithContent(openapi3.NewContentWithJSONSchemaRef(ref))
		default:
			ok.WithJSONSchema(openapi3.NewObjectSchema())
		}
		op.Responses = openapi3.NewResponses(openapi3.WithStatus(200, &openapi3.ResponseRef{Value: ok}))
		if r.accepted != nil {
			ref, err := openapi3gen.NewSchemaRefForValue(r.accepted, doc.Components.Schemas)
			if err != nil {
				return nil, fmt.Errorf("schema for %s %s: %w", r.method, r.path, err)
			}
			job := openapi3.NewResponse().WithDescription("background=1: 已在后台开始的任务(同一范围已有任务运行时为该任务), 进度见 GET /api/jobs/{id}").
				WithContent(openapi3.NewContentWithJSONSchemaRef(ref))
			op.Responses.Set("202", &openapi3.ResponseRef{Value: job})
		}
		bad := openapi3.NewResponse().WithDescription("错误").WithContent(openapi3.NewContentWithJSONSchemaRef(errSchema))
		op.Responses.Set("default", &openapi3.ResponseRef{Value: bad})
		doc.AddOperation(OpenAPIPath(r.path), r.method, op)
	}
	return doc, doc.Validate(context.Background())
}

var specOnce struct {
	sync.Once
	b   []byte
	err error
}

func (s *Server) openapi(c *fiber.Ctx) error {
	specOnce.Do(func() {
		doc, err := s.Spec()
		if err != nil {
			specOnce.err = err
			return
		}
		specOnce.b, specOnce.err = doc.MarshalJSON()
	})
	if specOnce.err != nil {
		return specOnce.err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(specOnce.b)
}
