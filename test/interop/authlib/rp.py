"""A Python relying party built on Authlib (Debian's python3-authlib), driven by the Portcullis
interoperability suite one step at a time: JSON in on stdin, JSON out on stdout.

Authlib does the protocol work (authorization URL, PKCE, client authentication including
private_key_jwt, token, refresh, introspection and revocation requests, ID token validation with
at_hash). The transport is the standard library's urllib, because Authlib's own HTTP
integrations need requests or httpx, which a minimal Debian install does not have.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

from authlib.common.security import generate_token
from authlib.jose import JsonWebKey, jwt
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.client import OAuth2Client
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oidc.core import CodeIDToken


class Response:
    def __init__(self, status, headers, body):
        self.status_code = status
        self.headers = headers
        self.text = body.decode('utf-8')

    def json(self):
        return json.loads(self.text)

    def raise_for_status(self):
        if self.status_code >= 400:
            raise RuntimeError('HTTP %d: %s' % (self.status_code, self.text[:300]))


class Transport:
    """The two methods Authlib's OAuth2Client calls on its session, over urllib."""

    def request(self, method, url, data=None, headers=None, auth=None, **_):
        headers = dict(headers or {})
        body = urllib.parse.urlencode(data or {}) if data is not None else ''
        if auth is not None:
            url, headers, body = auth.prepare(method, url, headers, body)
        raw = body.encode('utf-8') if method != 'GET' else None
        req = urllib.request.Request(url, data=raw, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=20) as res:
                return Response(res.status, dict(res.headers), res.read())
        except urllib.error.HTTPError as err:
            return Response(err.code, dict(err.headers), err.read())

    def post(self, url, data=None, headers=None, auth=None, **kwargs):
        return self.request('POST', url, data=data, headers=headers, auth=auth, **kwargs)


def get_json(url, token=None):
    headers = {'Accept': 'application/json'}
    if token:
        headers['Authorization'] = 'Bearer ' + token
    res = Transport().request('GET', url, headers=headers)
    res.raise_for_status()
    return res.json()


def client_for(args, meta):
    method = args.get('auth_method', 'client_secret_basic')
    secret = args.get('client_secret')
    if method == 'private_key_jwt':
        secret = args['private_jwk']
    client = OAuth2Client(
        Transport(), client_id=args['client_id'], client_secret=secret,
        token_endpoint_auth_method=method, revocation_endpoint_auth_method=method,
        redirect_uri=args.get('redirect_uri'), scope=args.get('scope'),
        code_challenge_method='S256', token_endpoint=meta['token_endpoint'])
    if method == 'private_key_jwt':
        # Authlib's own private_key_jwt, with its default one-hour assertion lifetime.
        client.register_client_auth_method(PrivateKeyJWT(meta['token_endpoint']))
    return client


def validate_id_token(meta, args, id_token, access_token, nonce):
    keys = JsonWebKey.import_key_set(get_json(meta['jwks_uri']))
    claims = jwt.decode(id_token, keys, claims_cls=CodeIDToken, claims_options={
        'iss': {'essential': True, 'value': meta['issuer']},
        'sub': {'essential': True},
    }, claims_params={'nonce': nonce, 'client_id': args['client_id'], 'access_token': access_token})
    claims.validate(leeway=5)
    return dict(claims)


def op_authorize(args, meta):
    client = client_for(args, meta)
    verifier = generate_token(48)
    nonce = generate_token(20)
    url, state = client.create_authorization_url(meta['authorization_endpoint'], code_verifier=verifier, nonce=nonce)
    return {'url': url, 'state': state, 'verifier': verifier, 'nonce': nonce}


def op_code(args, meta):
    client = client_for(args, meta)
    token = client.fetch_token(meta['token_endpoint'], authorization_response=args['callback'],
                               state=args['state'], code_verifier=args['verifier'])
    claims = validate_id_token(meta, args, token['id_token'], token['access_token'], args['nonce'])
    userinfo = get_json(meta['userinfo_endpoint'], token['access_token'])
    out = {'token': dict(token), 'claims': claims, 'userinfo': userinfo}
    if token.get('refresh_token'):
        refreshed = client.refresh_token(meta['token_endpoint'], refresh_token=token['refresh_token'])
        out['refreshed'] = dict(refreshed)
    return out


def op_client_credentials(args, meta):
    client = client_for(args, meta)
    extra = {'resource': args['resource']} if args.get('resource') else {}
    return {'token': dict(client.fetch_token(meta['token_endpoint'], grant_type='client_credentials', **extra))}


def op_introspect(args, meta):
    client = client_for(args, meta)
    res = client.introspect_token(meta['introspection_endpoint'], token=args['token'], token_type_hint=args.get('hint'))
    return {'status': res.status_code, 'body': res.json()}


def op_revoke(args, meta):
    client = client_for(args, meta)
    res = client.revoke_token(meta['revocation_endpoint'], token=args['token'], token_type_hint=args.get('hint'))
    return {'status': res.status_code}


def op_refresh(args, meta):
    client = client_for(args, meta)
    return {'token': dict(client.refresh_token(meta['token_endpoint'], refresh_token=args['refresh_token']))}


OPS = {
    'authorize': op_authorize, 'code': op_code, 'client_credentials': op_client_credentials,
    'introspect': op_introspect, 'revoke': op_revoke, 'refresh': op_refresh,
}


def main():
    args = json.loads(sys.stdin.read())
    meta = get_json(args['issuer'].rstrip('/') + '/.well-known/openid-configuration')
    try:
        out = OPS[args['op']](args, meta)
    except OAuth2Error as err:
        out = {'oauth_error': err.error, 'description': err.description}
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
