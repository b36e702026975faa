# Writes the control module's fuzz seed corpora from the checked-in real inputs: python3 scripts/fuzz-seeds.py . (docs/FUZZING.md).
import ast, os, re, sys
root = sys.argv[1]
res = os.path.join(root, 'control/src/test/resources')
ng = os.path.join(res, 'io/rtprelay/control/ng')
sdpdir = os.path.join(res, 'sdp')

def benc(v):
    if isinstance(v, bytes): return str(len(v)).encode() + b':' + v
    if isinstance(v, str): return benc(v.encode('latin-1'))
    if isinstance(v, int): return b'i%de' % v
    if isinstance(v, list): return b'l' + b''.join(benc(x) for x in v) + b'e'
    if isinstance(v, dict): return b'd' + b''.join(benc(k) + benc(x) for k, x in v.items()) + b'e'
    raise TypeError(v)

def out(d, name, data):
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), 'wb').write(data)

ngdir = os.path.join(ng, 'NgDatagramFuzzTestInputs/everyDatagramIsAnsweredWithoutInternalErrorsAndNothingLeaks')
bdir = os.path.join(ng, 'BencodeFuzzTestInputs/decodesOrRefusesAndWhatDecodesRoundTrips')
sdir = os.path.join(res, 'io/rtprelay/control/sdp/SdpFuzzTestInputs/parsesOrRefusesAndRewritesWhatParses')
cdir = os.path.join(res, 'io/rtprelay/control/sdp/CryptoAttributeFuzzTestInputs/parsesOrRefusesAndWritesWhatParses')

# 1. Kamailio 5.6's own datagrams, captured: each scenario as one sequence, and each request alone.
cap = open(os.path.join(res, 'system/kamailio-5.6-ng-capture.txt'), encoding='utf-8').read().splitlines()
section, seqs, n = 'ping', {}, 0
for line in cap:
    if line.startswith('## '):
        section = line[3:].strip().replace(' ', '-')
    elif line.startswith('>> '):
        dgram = ast.literal_eval(line.split(' ', 2)[2])
        seqs.setdefault(section, []).append(dgram)
        body = dgram[dgram.index(b' ') + 1:]
        out(bdir, 'kamailio-%02d' % n, body)
        n += 1
for name, ds in seqs.items():
    out(ngdir, 'kamailio-' + name, b'\0\0'.join(ds))

# 2. The SDP corpus as Kamailio's module would carry it: offer, answer, query, delete.
cases = sorted({f.split('.')[0] for f in os.listdir(sdpdir) if f.endswith('.sdp')})
cookie = [0]
def dgram(d):
    cookie[0] += 1
    return b'1_4242_%d ' % cookie[0] + benc(d)
for case in cases:
    props = {}
    fp = os.path.join(sdpdir, case + '.flags')
    if os.path.exists(fp):
        for l in open(fp, encoding='latin-1'):
            l = l.strip()
            if l and not l.startswith('#') and '=' in l:
                k, v = l.split('=', 1)
                props[k] = v
    crlf = props.get('sdp.line-ends') != 'LF'
    def sdp(kind):
        t = open(os.path.join(sdpdir, '%s.%s.sdp' % (case, kind)), encoding='latin-1').read()
        return t.replace('\n', '\r\n') if crlf else t
    def extras(kind):
        e = {}
        for k, v in props.items():
            if k.startswith(kind + '.'):
                key = k[len(kind) + 1:]
                if key.startswith('codec.'):
                    e.setdefault('codec', {})[key[len('codec.'):]] = [x.strip() for x in v.split(',')]
                else:
                    e[key] = v.split(',') if key in ('flags', 'replace', 'rtcp-mux', 'SDES', 'T.38') else v
        return e
    cid = 'corpus-' + case
    offer = {'supports': ['load limit'], 'sdp': sdp('offer')}
    offer.update(extras('offer'))
    offer.update({'call-id': cid, 'received-from': ['IP4', '127.0.0.1'], 'from-tag': 'tag-a', 'command': 'offer'})
    answer = {'supports': ['load limit'], 'sdp': sdp('answer')}
    answer.update(extras('answer'))
    answer.update({'call-id': cid, 'received-from': ['IP4', '127.0.0.1'], 'from-tag': 'tag-a', 'to-tag': 'tag-b',
                   'command': 'answer'})
    query = {'call-id': cid, 'command': 'query'}
    delete = {'supports': ['load limit'], 'call-id': cid, 'from-tag': 'tag-a', 'command': 'delete'}
    seq = [dgram(offer), dgram(answer), dgram(query), dgram(delete)]
    out(ngdir, 'corpus-' + case, b'\0\0'.join(seq))
    out(bdir, 'corpus-offer-' + case, benc(offer))
    # SDP target: an options byte, then the SDP (offer as sent, answer against the offer)
    out(sdir, case + '-offer', b'\x00' + sdp('offer').encode('latin-1'))
    out(sdir, case + '-answer', b'\x01' + sdp('answer').encode('latin-1'))
    for kind in ('offer', 'answer'):
        for m in re.finditer(r'a=crypto:([^\r\n]*)', sdp(kind)):
            out(cdir, '%s-%s-%d' % (case, kind, m.start()), m.group(1).encode('latin-1'))

# 3. Sequences the handlers' checks are about: an offer whose second direction names no interface, then the
#    answer; a re-offer; offers beyond max-sessions; commands without their keys; list, statistics, ping.
first = open(os.path.join(sdpdir, '01-audio-pcmu-sipp.offer.sdp'), encoding='latin-1').read().replace('\n', '\r\n')
second = open(os.path.join(sdpdir, '01-audio-pcmu-sipp.answer.sdp'), encoding='latin-1').read().replace('\n', '\r\n')
def o(cid, d=None, tag='a'):
    r = {'sdp': first, 'call-id': cid, 'from-tag': tag, 'command': 'offer'}
    if d is not None: r['direction'] = d
    return r
def a(cid):
    return {'sdp': second, 'call-id': cid, 'from-tag': 'a', 'to-tag': 'b', 'command': 'answer'}
out(ngdir, 'direction-unknown-then-answer',
    b'\0\0'.join([dgram(o('d1', ['internal', 'nowhere'])), dgram(a('d1')), dgram({'command': 'list'})]))
out(ngdir, 'direction-both-named',
    b'\0\0'.join([dgram(o('d2', ['internal', 'external'])), dgram(a('d2')), dgram({'command': 'statistics'})]))
out(ngdir, 'reoffer-and-delete-delay',
    b'\0\0'.join([dgram(o('r1')), dgram(a('r1')), dgram(o('r1')), dgram(a('r1')),
                  dgram({'call-id': 'r1', 'delete-delay': 5, 'command': 'delete'})]))
out(ngdir, 'beyond-max-sessions', b'\0\0'.join([dgram(o('m%d' % i)) for i in range(8)]))
out(ngdir, 'missing-keys', b'\0\0'.join([dgram({'command': c}) for c in
    ('offer', 'answer', 'delete', 'query', 'list', 'statistics', 'ping', 'unknown')]))
out(ngdir, 'not-bencode', b'\0\0'.join([b'c1 {"command":"ping"}', b'c2 ', b'nocookie', b'c3 d7:commandi1ee']))
