// A Go relying party built on coreos/go-oidc and golang.org/x/oauth2 (Debian's
// golang-github-coreos-go-oidc-dev), driven by the Portcullis interoperability suite one step
// at a time: JSON in on stdin, JSON out on stdout. go-oidc discovers the provider, verifies the
// ID token (signature against the JWKS, issuer, audience, expiry) and its at_hash, and reads
// UserInfo; x/oauth2 builds the authorization URL and makes the token requests with
// client_secret_basic. PKCE parameters are added by hand: this x/oauth2 predates its helpers.
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"

	oidc "github.com/coreos/go-oidc"
	"golang.org/x/oauth2"
)

type args struct {
	Op           string   `json:"op"`
	Issuer       string   `json:"issuer"`
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret"`
	RedirectURI  string   `json:"redirect_uri"`
	Scope        []string `json:"scope"`
	Callback     string   `json:"callback"`
	State        string   `json:"state"`
	Nonce        string   `json:"nonce"`
	Verifier     string   `json:"verifier"`
}

func random() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(1)
}

// verify checks an ID token the way a relying party must, and returns its claims.
func verify(ctx context.Context, provider *oidc.Provider, a args, token *oauth2.Token) (string, map[string]interface{}) {
	raw, ok := token.Extra("id_token").(string)
	if !ok {
		fail("no id_token in the token response")
	}
	idToken, err := provider.Verifier(&oidc.Config{ClientID: a.ClientID}).Verify(ctx, raw)
	if err != nil {
		fail("ID token: %v", err)
	}
	if err := idToken.VerifyAccessToken(token.AccessToken); err != nil {
		fail("at_hash: %v", err)
	}
	claims := map[string]interface{}{}
	if err := idToken.Claims(&claims); err != nil {
		fail("ID token claims: %v", err)
	}
	return idToken.Nonce, claims
}

func main() {
	var a args
	if err := json.NewDecoder(os.Stdin).Decode(&a); err != nil {
		fail("input: %v", err)
	}
	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, a.Issuer)
	if err != nil {
		fail("discovery: %v", err)
	}
	endpoint := provider.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInHeader
	config := oauth2.Config{ClientID: a.ClientID, ClientSecret: a.ClientSecret, Endpoint: endpoint, RedirectURL: a.RedirectURI, Scopes: a.Scope}
	out := map[string]interface{}{}

	switch a.Op {
	case "authorize":
		state, nonce, verifier := random(), random(), random()
		challenge := sha256.Sum256([]byte(verifier))
		out["url"] = config.AuthCodeURL(state, oidc.Nonce(nonce),
			oauth2.SetAuthURLParam("code_challenge", base64.RawURLEncoding.EncodeToString(challenge[:])),
			oauth2.SetAuthURLParam("code_challenge_method", "S256"))
		out["state"], out["nonce"], out["verifier"] = state, nonce, verifier

	case "code":
		callback, err := url.Parse(a.Callback)
		if err != nil {
			fail("callback: %v", err)
		}
		if callback.Query().Get("state") != a.State {
			fail("state mismatch")
		}
		token, err := config.Exchange(ctx, callback.Query().Get("code"), oauth2.SetAuthURLParam("code_verifier", a.Verifier))
		if err != nil {
			fail("token: %v", err)
		}
		nonce, claims := verify(ctx, provider, a, token)
		if nonce != a.Nonce {
			fail("nonce mismatch")
		}
		info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(token))
		if err != nil {
			fail("userinfo: %v", err)
		}
		userinfo := map[string]interface{}{}
		if err := info.Claims(&userinfo); err != nil {
			fail("userinfo claims: %v", err)
		}
		// A refresh: x/oauth2 sends refresh_token with client_secret_basic.
		refreshed, err := config.TokenSource(ctx, &oauth2.Token{RefreshToken: token.RefreshToken}).Token()
		if err != nil {
			fail("refresh: %v", err)
		}
		_, refreshedClaims := verify(ctx, provider, a, refreshed)
		out["id_token"], out["userinfo"] = claims, userinfo
		out["refresh_token"], out["refreshed_refresh_token"], out["refreshed_id_token"] = token.RefreshToken, refreshed.RefreshToken, refreshedClaims

	default:
		fail("unknown op %q", a.Op)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail("output: %v", err)
	}
}
