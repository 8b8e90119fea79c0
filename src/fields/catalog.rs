//! The catalogue of fields: names, types and descriptions.

/// The type of a field's values, for display-filter type checking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A protocol or marker: only present or absent.
    Protocol,
    UInt,
    Bool,
    Str,
    Ether,
    Ipv4,
    Ipv6,
    /// Seconds with a fraction (times).
    Time,
    Bytes,
}

macro_rules! fields {
    ($($id:ident $name:literal $ty:ident $desc:literal;)*) => {
        /// Every field wirelens knows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(non_camel_case_types)]
        pub enum FieldId { $($id),* }

        /// A field's definition.
        #[derive(Debug, Clone, Copy)]
        pub struct FieldDef {
            pub id: FieldId,
            pub name: &'static str,
            pub ty: FieldType,
            pub description: &'static str,
        }

        /// The catalogue, in display order.
        pub const FIELDS: &[FieldDef] = &[
            $(FieldDef { id: FieldId::$id, name: $name, ty: FieldType::$ty, description: $desc }),*
        ];
    };
}

fields! {
    Frame "frame" Protocol "Frame";
    FrameNumber "frame.number" UInt "Frame number (1-based)";
    WsColProtocol "_ws.col.Protocol" Str "The Protocol column";
    WsColInfo "_ws.col.Info" Str "The Info column";
    FrameTimeEpoch "frame.time_epoch" Time "Seconds since the Unix epoch";
    FrameTimeRelative "frame.time_relative" Time "Seconds since the first packet";
    FrameTimeDelta "frame.time_delta" Time "Seconds since the previous packet";
    FrameLen "frame.len" UInt "Length on the wire";
    FrameCapLen "frame.cap_len" UInt "Captured length";
    FrameInterfaceId "frame.interface_id" UInt "Capture interface";
    FrameProtocols "frame.protocols" Str "Protocols in the frame";
    FrameBytes "frame.bytes" Bytes "The frame's captured bytes";
    FrameMarked "frame.marked" Bool "Frame is marked (in the TUI; 0 elsewhere, as in tshark)";
    Eth "eth" Protocol "Ethernet";
    EthSrc "eth.src" Ether "Ethernet source";
    EthDst "eth.dst" Ether "Ethernet destination";
    EthAddr "eth.addr" Ether "Ethernet source or destination";
    EthType "eth.type" UInt "Ethernet type";
    Vlan "vlan" Protocol "802.1Q VLAN";
    VlanId "vlan.id" UInt "VLAN identifier";
    Sll "sll" Protocol "Linux cooked capture";
    Arp "arp" Protocol "ARP";
    ArpOpcode "arp.opcode" UInt "ARP opcode";
    Ip "ip" Protocol "IPv4";
    IpSrc "ip.src" Ipv4 "IPv4 source";
    IpDst "ip.dst" Ipv4 "IPv4 destination";
    IpAddr "ip.addr" Ipv4 "IPv4 source or destination";
    IpProto "ip.proto" UInt "IPv4 protocol";
    IpTtl "ip.ttl" UInt "IPv4 time to live";
    IpLen "ip.len" UInt "IPv4 total length";
    IpId "ip.id" UInt "IPv4 identification";
    IpChecksumStatus "ip.checksum.status" UInt "IPv4 header checksum: 0 bad, 1 good, 2 unverified";
    IpFlagsMf "ip.flags.mf" Bool "More fragments";
    IpFragOffset "ip.frag_offset" UInt "Fragment offset";
    Ipv6 "ipv6" Protocol "IPv6";
    Ipv6Src "ipv6.src" Ipv6 "IPv6 source";
    Ipv6Dst "ipv6.dst" Ipv6 "IPv6 destination";
    Ipv6Addr "ipv6.addr" Ipv6 "IPv6 source or destination";
    Ipv6Nxt "ipv6.nxt" UInt "IPv6 next header";
    Ipv6Hlim "ipv6.hlim" UInt "IPv6 hop limit";
    Icmp "icmp" Protocol "ICMP";
    IcmpType "icmp.type" UInt "ICMP type";
    IcmpCode "icmp.code" UInt "ICMP code";
    Icmpv6 "icmpv6" Protocol "ICMPv6";
    Icmpv6Type "icmpv6.type" UInt "ICMPv6 type";
    Icmpv6Code "icmpv6.code" UInt "ICMPv6 code";
    Tcp "tcp" Protocol "TCP";
    TcpSrcport "tcp.srcport" UInt "TCP source port";
    TcpDstport "tcp.dstport" UInt "TCP destination port";
    TcpPort "tcp.port" UInt "TCP source or destination port";
    TcpStream "tcp.stream" UInt "TCP stream index";
    TcpLen "tcp.len" UInt "TCP segment length";
    TcpSeq "tcp.seq" UInt "Relative sequence number";
    TcpSeqRaw "tcp.seq_raw" UInt "Sequence number";
    TcpNxtseq "tcp.nxtseq" UInt "Next relative sequence number";
    TcpAck "tcp.ack" UInt "Relative acknowledgment number";
    TcpAckRaw "tcp.ack_raw" UInt "Acknowledgment number";
    TcpHdrLen "tcp.hdr_len" UInt "TCP header length";
    TcpFlags "tcp.flags" UInt "TCP flags";
    TcpFlagsStr "tcp.flags.str" Str "TCP flags as text";
    TcpFlagsNs "tcp.flags.ns" Bool "Nonce";
    TcpFlagsCwr "tcp.flags.cwr" Bool "Congestion window reduced";
    TcpFlagsEce "tcp.flags.ece" Bool "ECN echo";
    TcpFlagsUrg "tcp.flags.urg" Bool "Urgent";
    TcpFlagsAck "tcp.flags.ack" Bool "Acknowledgment";
    TcpFlagsPush "tcp.flags.push" Bool "Push";
    TcpFlagsReset "tcp.flags.reset" Bool "Reset";
    TcpFlagsSyn "tcp.flags.syn" Bool "Syn";
    TcpFlagsFin "tcp.flags.fin" Bool "Fin";
    TcpWindowSizeValue "tcp.window_size_value" UInt "Window (as sent)";
    TcpWindowSize "tcp.window_size" UInt "Window (scaled)";
    TcpChecksumStatus "tcp.checksum.status" UInt "TCP checksum: 0 bad, 1 good, 2 unverified";
    TcpOptionsMss "tcp.options.mss_val" UInt "MSS option";
    TcpOptionsWscale "tcp.options.wscale.shift" UInt "Window scale option";
    TcpPayload "tcp.payload" Bytes "TCP payload";
    TcpAnalysisFlags "tcp.analysis.flags" Protocol "Any TCP analysis flag";
    TcpAnalysisRetransmission "tcp.analysis.retransmission" Protocol "Retransmission";
    TcpAnalysisFastRetransmission "tcp.analysis.fast_retransmission" Protocol "Fast retransmission";
    TcpAnalysisSpuriousRetransmission "tcp.analysis.spurious_retransmission" Protocol "Spurious retransmission";
    TcpAnalysisOutOfOrder "tcp.analysis.out_of_order" Protocol "Out-of-order segment";
    TcpAnalysisLostSegment "tcp.analysis.lost_segment" Protocol "Previous segment not captured";
    TcpAnalysisAckLostSegment "tcp.analysis.ack_lost_segment" Protocol "ACKed unseen segment";
    TcpAnalysisDuplicateAck "tcp.analysis.duplicate_ack" Protocol "Duplicate ACK";
    TcpAnalysisDuplicateAckNum "tcp.analysis.duplicate_ack_num" UInt "Duplicate ACK number";
    TcpAnalysisZeroWindow "tcp.analysis.zero_window" Protocol "Zero window";
    TcpAnalysisWindowFull "tcp.analysis.window_full" Protocol "Window full";
    TcpAnalysisKeepAlive "tcp.analysis.keep_alive" Protocol "Keep-alive";
    TcpAnalysisKeepAliveAck "tcp.analysis.keep_alive_ack" Protocol "Keep-alive ACK";
    TcpAnalysisWindowUpdate "tcp.analysis.window_update" Protocol "Window update";
    TcpAnalysisZeroWindowProbe "tcp.analysis.zero_window_probe" Protocol "Zero window probe";
    TcpAnalysisZeroWindowProbeAck "tcp.analysis.zero_window_probe_ack" Protocol "Zero window probe ACK";
    TcpAnalysisReusedPorts "tcp.analysis.reused_ports" Protocol "Port numbers reused";
    TcpAnalysisInitialRtt "tcp.analysis.initial_rtt" Time "Handshake round-trip time";
    TcpAnalysisAcksFrame "tcp.analysis.acks_frame" UInt "Frame whose segment this ACK acknowledges";
    TcpAnalysisAckRtt "tcp.analysis.ack_rtt" Time "Time to ACK the segment";
    TcpAnalysisBytesInFlight "tcp.analysis.bytes_in_flight" UInt "Bytes sent and not yet acknowledged";
    TcpAnalysisPushBytesSent "tcp.analysis.push_bytes_sent" UInt "Bytes sent since the last PSH flag";
    TcpAnalysisRto "tcp.analysis.rto" Time "Time since the segment a retransmission repeats";
    TcpAnalysisRtoFrame "tcp.analysis.rto_frame" UInt "Frame the RTO is measured from";
    Udp "udp" Protocol "UDP";
    UdpSrcport "udp.srcport" UInt "UDP source port";
    UdpDstport "udp.dstport" UInt "UDP destination port";
    UdpPort "udp.port" UInt "UDP source or destination port";
    UdpLength "udp.length" UInt "UDP length";
    UdpStream "udp.stream" UInt "UDP stream index";
    UdpChecksumStatus "udp.checksum.status" UInt "UDP checksum: 0 bad, 1 good, 2 unverified";
    Dns "dns" Protocol "DNS (UDP port 53 or 5353)";
    Http "http" Protocol "HTTP";
    HttpRequest "http.request" Protocol "An HTTP request starts in this packet";
    HttpResponse "http.response" Protocol "An HTTP response starts in this packet";
    HttpRequestMethod "http.request.method" Str "HTTP request method";
    HttpRequestUri "http.request.uri" Str "HTTP request URI";
    HttpRequestVersion "http.request.version" Str "HTTP request version";
    HttpHost "http.host" Str "HTTP Host header";
    HttpUserAgent "http.user_agent" Str "HTTP User-Agent header";
    HttpResponseCode "http.response.code" UInt "HTTP status code";
    HttpResponsePhrase "http.response.phrase" Str "HTTP reason phrase";
    HttpContentType "http.content_type" Str "HTTP Content-Type header";
    HttpContentLength "http.content_length" UInt "HTTP Content-Length header";
    HttpContentEncoding "http.content_encoding" Str "HTTP Content-Encoding header";
    HttpTransferEncoding "http.transfer_encoding" Str "HTTP Transfer-Encoding header";
    Tls "tls" Protocol "TLS (a record completes in this packet)";
    TlsRecordContentType "tls.record.content_type" UInt "TLS record content type (outer)";
    TlsRecordVersion "tls.record.version" UInt "TLS record version";
    TlsRecordLength "tls.record.length" UInt "TLS record length";
    TlsHandshakeType "tls.handshake.type" UInt "TLS handshake message type";
    TlsHandshakeExtensionsServerName "tls.handshake.extensions_server_name" Str "TLS Server Name Indication";
    TlsHandshakeExtensionsAlpnStr "tls.handshake.extensions_alpn_str" Str "TLS ALPN protocol";
    TlsHandshakeExtensionsSupportedVersion "tls.handshake.extensions.supported_version" UInt "TLS supported version";
    TlsHandshakeCiphersuite "tls.handshake.ciphersuite" UInt "TLS cipher suite (offered or chosen)";
    TlsHandshakeJa3Full "tls.handshake.ja3_full" Str "JA3 fingerprint string of a Client Hello";
    TlsHandshakeJa3 "tls.handshake.ja3" Str "JA3 fingerprint (MD5) of a Client Hello";
    TlsHandshakeJa3sFull "tls.handshake.ja3s_full" Str "JA3S fingerprint string of a Server Hello";
    TlsHandshakeJa3s "tls.handshake.ja3s" Str "JA3S fingerprint (MD5) of a Server Hello";
    TlsAlertMessageLevel "tls.alert_message.level" UInt "TLS alert level";
    TlsAlertMessageDesc "tls.alert_message.desc" UInt "TLS alert description";
    Http2 "http2" Protocol "HTTP/2 (a frame completes in this packet)";
    Http2Streamid "http2.streamid" UInt "HTTP/2 stream identifier";
    Http2Type "http2.type" UInt "HTTP/2 frame type";
    Http2Flags "http2.flags" UInt "HTTP/2 frame flags";
    Http2Length "http2.length" UInt "HTTP/2 frame payload length";
    Http2HeaderName "http2.header.name" Str "HTTP/2 header name (HPACK decoded)";
    Http2HeaderValue "http2.header.value" Str "HTTP/2 header value (HPACK decoded)";
    // Fields answered from the details tree (crate::dissect), issue 13.
    FrameTime "frame.time" Str "Arrival time (UTC)";
    FrameTimeDeltaDisplayed "frame.time_delta_displayed" Time "Seconds since the previous displayed packet";
    FrameEncapType "frame.encap_type" UInt "Encapsulation type";
    EthLg "eth.lg" Bool "Locally administered address bit";
    EthIg "eth.ig" Bool "Group address bit";
    VlanPriority "vlan.priority" UInt "VLAN priority";
    VlanDei "vlan.dei" UInt "VLAN drop eligible";
    VlanEtype "vlan.etype" UInt "Type inside the VLAN tag";
    SllPkttype "sll.pkttype" UInt "SLL packet type";
    SllEtype "sll.etype" UInt "SLL protocol";
    NullFamily "null.family" UInt "Loopback address family";
    ArpHwType "arp.hw.type" UInt "ARP hardware type";
    ArpProtoType "arp.proto.type" UInt "ARP protocol type";
    ArpHwSize "arp.hw.size" UInt "ARP hardware size";
    ArpProtoSize "arp.proto.size" UInt "ARP protocol size";
    ArpSrcHwMac "arp.src.hw_mac" Ether "ARP sender MAC";
    ArpSrcProtoIpv4 "arp.src.proto_ipv4" Ipv4 "ARP sender IP";
    ArpDstHwMac "arp.dst.hw_mac" Ether "ARP target MAC";
    ArpDstProtoIpv4 "arp.dst.proto_ipv4" Ipv4 "ARP target IP";
    IpVersion "ip.version" UInt "IP version";
    IpHdrLen "ip.hdr_len" UInt "IPv4 header length";
    IpDsfield "ip.dsfield" UInt "Differentiated services field";
    IpDsfieldDscp "ip.dsfield.dscp" UInt "DSCP";
    IpDsfieldEcn "ip.dsfield.ecn" UInt "ECN";
    IpFlags "ip.flags" UInt "IPv4 flags";
    IpFlagsRb "ip.flags.rb" Bool "Reserved bit";
    IpFlagsDf "ip.flags.df" Bool "Don't fragment";
    IpChecksum "ip.checksum" UInt "IPv4 header checksum";
    Ipv6Tclass "ipv6.tclass" UInt "IPv6 traffic class";
    Ipv6Flow "ipv6.flow" UInt "IPv6 flow label";
    Ipv6Plen "ipv6.plen" UInt "IPv6 payload length";
    IcmpChecksum "icmp.checksum" UInt "ICMP checksum";
    TcpCompleteness "tcp.completeness" UInt "Conversation completeness bits";
    TcpChecksum "tcp.checksum" UInt "TCP checksum";
    TcpUrgentPointer "tcp.urgent_pointer" UInt "Urgent pointer";
    TcpWindowSizeScalefactor "tcp.window_size_scalefactor" Str "Window scaling factor (-1 unknown, -2 none)";
    TcpOptionsWscaleMultiplier "tcp.options.wscale.multiplier" UInt "Window scale multiplier";
    TcpOptionsTsval "tcp.options.timestamp.tsval" UInt "Timestamp value";
    TcpOptionsTsecr "tcp.options.timestamp.tsecr" UInt "Timestamp echo reply";
    TcpTimeRelative "tcp.time_relative" Time "Seconds since the stream's first frame";
    TcpTimeDelta "tcp.time_delta" Time "Seconds since the stream's previous frame";
    UdpTimeRelative "udp.time_relative" Time "Seconds since the stream's first frame";
    UdpTimeDelta "udp.time_delta" Time "Seconds since the stream's previous frame";
    DnsId "dns.id" UInt "DNS transaction ID";
    DnsFlags "dns.flags" UInt "DNS flags";
    DnsFlagsResponse "dns.flags.response" Bool "DNS response";
    DnsFlagsOpcode "dns.flags.opcode" UInt "DNS opcode";
    DnsFlagsAuthoritative "dns.flags.authoritative" Bool "Authoritative answer";
    DnsFlagsTruncated "dns.flags.truncated" Bool "Truncated";
    DnsFlagsRecdesired "dns.flags.recdesired" Bool "Recursion desired";
    DnsFlagsRecavail "dns.flags.recavail" Bool "Recursion available";
    DnsFlagsRcode "dns.flags.rcode" UInt "Reply code";
    DnsCountQueries "dns.count.queries" UInt "Questions";
    DnsCountAnswers "dns.count.answers" UInt "Answer RRs";
    DnsCountAuthRr "dns.count.auth_rr" UInt "Authority RRs";
    DnsCountAddRr "dns.count.add_rr" UInt "Additional RRs";
    DnsQryName "dns.qry.name" Str "Queried name";
    DnsQryType "dns.qry.type" UInt "Query type";
    DnsQryClass "dns.qry.class" UInt "Query class";
    DnsRespName "dns.resp.name" Str "Record name";
    DnsRespType "dns.resp.type" UInt "Record type";
    DnsRespTtl "dns.resp.ttl" UInt "Record time to live";
    DnsA "dns.a" Ipv4 "IPv4 address record";
    DnsAaaa "dns.aaaa" Ipv6 "IPv6 address record";
    DnsCname "dns.cname" Str "Canonical name record";
    DnsResponseTo "dns.response_to" UInt "Frame of the request";
    DnsTime "dns.time" Time "Seconds from request to response";
    HttpRequestFullUri "http.request.full_uri" Str "Full request URI";
    WsExpert "_ws.expert" Protocol "An expert note";
    WsColNo "_ws.col.No." UInt "Column: number";
    WsColTime "_ws.col.Time" Str "Column: time";
    WsColSource "_ws.col.Source" Str "Column: source";
    WsColDestination "_ws.col.Destination" Str "Column: destination";
    WsColLength "_ws.col.Length" UInt "Column: length";
    // Fields that live only in the details tree (fields/dissect), read
    // from it by `PacketView::values`; named T... to keep them apart.
    TData "data" Protocol "Data (details tree)";
    TDataData "data.data" Bytes "Data (details tree)";
    TDataLen "data.len" UInt "Data (details tree)";
    TDnsCountLabels "dns.count.labels" UInt "DNS (details tree)";
    TDnsFlagsAuthenticated "dns.flags.authenticated" Bool "DNS (details tree)";
    TDnsFlagsCheckdisable "dns.flags.checkdisable" Bool "DNS (details tree)";
    TDnsFlagsZ "dns.flags.z" UInt "DNS (details tree)";
    TDnsMxMailExchange "dns.mx.mail_exchange" Str "DNS (details tree)";
    TDnsMxPreference "dns.mx.preference" UInt "DNS (details tree)";
    TDnsNs "dns.ns" Str "DNS (details tree)";
    TDnsOpt "dns.opt" Protocol "DNS (details tree)";
    TDnsOptClientAddr4 "dns.opt.client.addr4" Ipv4 "DNS (details tree)";
    TDnsOptClientAddr6 "dns.opt.client.addr6" Ipv6 "DNS (details tree)";
    TDnsOptClientFamily "dns.opt.client.family" UInt "DNS (details tree)";
    TDnsOptClientNetmask "dns.opt.client.netmask" UInt "DNS (details tree)";
    TDnsOptClientScope "dns.opt.client.scope" UInt "DNS (details tree)";
    TDnsOptCode "dns.opt.code" UInt "DNS (details tree)";
    TDnsOptCookieClient "dns.opt.cookie.client" Bytes "DNS (details tree)";
    TDnsOptCookieServer "dns.opt.cookie.server" Bytes "DNS (details tree)";
    TDnsOptData "dns.opt.data" Bytes "DNS (details tree)";
    TDnsOptEdnsTcpKeepaliveTimeout "dns.opt.edns_tcp_keepalive.timeout" UInt "DNS (details tree)";
    TDnsOptLen "dns.opt.len" UInt "DNS (details tree)";
    TDnsOptPadding "dns.opt.padding" Bytes "DNS (details tree)";
    TDnsPtrDomainName "dns.ptr.domain_name" Str "DNS (details tree)";
    TDnsQryNameLen "dns.qry.name.len" UInt "DNS (details tree)";
    TDnsRespClass "dns.resp.class" UInt "DNS (details tree)";
    TDnsRespEdns0Version "dns.resp.edns0_version" UInt "DNS (details tree)";
    TDnsRespExtRcode "dns.resp.ext_rcode" UInt "DNS (details tree)";
    TDnsRespLen "dns.resp.len" UInt "DNS (details tree)";
    TDnsRespZ "dns.resp.z" UInt "DNS (details tree)";
    TDnsRespZDo "dns.resp.z.do" Bool "DNS (details tree)";
    TDnsRespZReserved "dns.resp.z.reserved" UInt "DNS (details tree)";
    TDnsRrUdpPayloadSize "dns.rr.udp_payload_size" UInt "DNS (details tree)";
    TEthFcs "eth.fcs" UInt "Ethernet (details tree)";
    TEthFcsStatus "eth.fcs.status" UInt "Ethernet (details tree)";
    TEthPadding "eth.padding" Bytes "Ethernet (details tree)";
    TEthTrailer "eth.trailer" Bytes "Ethernet (details tree)";
    TFrameIgnored "frame.ignored" Bool "Frame (details tree)";
    TFrameInterfaceDescription "frame.interface_description" Str "Frame (details tree)";
    TFrameInterfaceName "frame.interface_name" Str "Frame (details tree)";
    TFrameOffsetShift "frame.offset_shift" Time "Frame (details tree)";
    TFrameSectionNumber "frame.section_number" UInt "Frame (details tree)";
    THttpAccept "http.accept" Str "HTTP (details tree)";
    THttpAcceptEncoding "http.accept_encoding" Str "HTTP (details tree)";
    THttpAcceptLanguage "http.accept_language" Str "HTTP (details tree)";
    THttpAuthorization "http.authorization" Str "HTTP (details tree)";
    THttpCacheControl "http.cache_control" Str "HTTP (details tree)";
    THttpConnection "http.connection" Str "HTTP (details tree)";
    THttpContentLengthHeader "http.content_length_header" UInt "HTTP (details tree)";
    THttpCookie "http.cookie" Str "HTTP (details tree)";
    THttpDate "http.date" Str "HTTP (details tree)";
    THttpFileData "http.file_data" Str "HTTP (details tree)";
    THttpLastModified "http.last_modified" Str "HTTP (details tree)";
    THttpLocation "http.location" Str "HTTP (details tree)";
    THttpPrevRequestIn "http.prev_request_in" UInt "HTTP (details tree)";
    THttpPrevResponseIn "http.prev_response_in" UInt "HTTP (details tree)";
    THttpReferer "http.referer" Str "HTTP (details tree)";
    THttpRequestLine "http.request.line" Str "HTTP (details tree)";
    THttpRequestIn "http.request_in" UInt "HTTP (details tree)";
    THttpRequestNumber "http.request_number" UInt "HTTP (details tree)";
    THttpResponseCodeDesc "http.response.code.desc" Str "HTTP (details tree)";
    THttpResponseLine "http.response.line" Str "HTTP (details tree)";
    THttpResponseVersion "http.response.version" Str "HTTP (details tree)";
    THttpResponseForUri "http.response_for.uri" Str "HTTP (details tree)";
    THttpResponseNumber "http.response_number" UInt "HTTP (details tree)";
    THttpServer "http.server" Str "HTTP (details tree)";
    THttpSetCookie "http.set_cookie" Str "HTTP (details tree)";
    THttpTime "http.time" Time "HTTP (details tree)";
    THttpUpgrade "http.upgrade" Str "HTTP (details tree)";
    TIcmpChecksumStatus "icmp.checksum.status" UInt "ICMP (details tree)";
    TTlsHandshake "tls.handshake" Protocol "TLS handshake message (QUIC CRYPTO, details tree)";
    TTlsHandshakeLength "tls.handshake.length" UInt "TLS handshake message length (QUIC CRYPTO, details tree)";
    TTlsHandshakeVersion "tls.handshake.version" UInt "TLS hello version (QUIC CRYPTO, details tree)";
    TTlsHandshakeRandom "tls.handshake.random" Bytes "TLS hello random (QUIC CRYPTO, details tree)";
    TTlsHandshakeFragment "tls.handshake.fragment" UInt "Frame of a fragment of a TLS handshake message (QUIC CRYPTO, details tree)";
    TTlsHandshakeFragmentCount "tls.handshake.fragment.count" UInt "Fragments of a TLS handshake message (QUIC CRYPTO, details tree)";
    TTlsHandshakeExtensionsSupportedGroup "tls.handshake.extensions_supported_group" UInt "TLS supported group (QUIC CRYPTO, details tree)";
    TTlsHandshakeExtensionsKeyShareGroup "tls.handshake.extensions_key_share_group" UInt "TLS key share group (QUIC CRYPTO, details tree)";
    TQuicCryptoOffset "quic.crypto.offset" UInt "QUIC CRYPTO frame offset (details tree)";
    TQuicCryptoLength "quic.crypto.length" UInt "QUIC CRYPTO frame length (details tree)";
    TQuicCryptoFragment "quic.crypto.fragment" UInt "Frame of a fragment of reassembled QUIC CRYPTO data (details tree)";
    TQuicCryptoFragmentCount "quic.crypto.fragment.count" UInt "Fragments of reassembled QUIC CRYPTO data (details tree)";
    TTlsHandshakeSigHashAlgLen "tls.handshake.sig_hash_alg_len" UInt "TLS signature algorithms length (QUIC CRYPTO, details tree)";
    TTlsHandshakeSigHashAlg "tls.handshake.sig_hash_alg" UInt "TLS signature algorithm (QUIC CRYPTO, details tree)";
    TTlsHandshakeSigHashHash "tls.handshake.sig_hash_hash" UInt "TLS signature algorithm: hash (QUIC CRYPTO, details tree)";
    TTlsHandshakeSigHashSig "tls.handshake.sig_hash_sig" UInt "TLS signature algorithm: signature (QUIC CRYPTO, details tree)";
    TTlsQuicParameterType "tls.quic.parameter.type" UInt "QUIC transport parameter type (QUIC CRYPTO, details tree)";
    TTlsQuicParameterLength "tls.quic.parameter.length" UInt "QUIC transport parameter length (QUIC CRYPTO, details tree)";
    TTlsQuicParameterValue "tls.quic.parameter.value" Bytes "QUIC transport parameter value (QUIC CRYPTO, details tree)";
    TTlsQuicParameterOriginalDestinationConnectionId "tls.quic.parameter.original_destination_connection_id" Bytes "QUIC transport parameter original_destination_connection_id (QUIC CRYPTO, details tree)";
    TTlsQuicParameterStatelessResetToken "tls.quic.parameter.stateless_reset_token" Bytes "QUIC transport parameter stateless_reset_token (QUIC CRYPTO, details tree)";
    TTlsQuicParameterInitialSourceConnectionId "tls.quic.parameter.initial_source_connection_id" Bytes "QUIC transport parameter initial_source_connection_id (QUIC CRYPTO, details tree)";
    TTlsQuicParameterRetrySourceConnectionId "tls.quic.parameter.retry_source_connection_id" Bytes "QUIC transport parameter retry_source_connection_id (QUIC CRYPTO, details tree)";
    TTlsQuicParameterMaxIdleTimeout "tls.quic.parameter.max_idle_timeout" UInt "QUIC transport parameter max_idle_timeout (QUIC CRYPTO, details tree)";
    TTlsQuicParameterMaxUdpPayloadSize "tls.quic.parameter.max_udp_payload_size" UInt "QUIC transport parameter max_udp_payload_size (QUIC CRYPTO, details tree)";
    TTlsQuicParameterInitialMaxData "tls.quic.parameter.initial_max_data" UInt "QUIC transport parameter initial_max_data (QUIC CRYPTO, details tree)";
    TTlsQuicParameterInitialMaxStreamDataBidiLocal "tls.quic.parameter.initial_max_stream_data_bidi_local" UInt "QUIC transport parameter initial_max_stream_data_bidi_local (QUIC CRYPTO, details tree)";
    TTlsQuicParameterInitialMaxStreamDataBidiRemote "tls.quic.parameter.initial_max_stream_data_bidi_remote" UInt "QUIC transport parameter initial_max_stream_data_bidi_remote (QUIC CRYPTO, details tree)";
    TTlsQuicParameterInitialMaxStreamDataUni "tls.quic.parameter.initial_max_stream_data_uni" UInt "QUIC transport parameter initial_max_stream_data_uni (QUIC CRYPTO, details tree)";
    TTlsQuicParameterInitialMaxStreamsBidi "tls.quic.parameter.initial_max_streams_bidi" UInt "QUIC transport parameter initial_max_streams_bidi (QUIC CRYPTO, details tree)";
    TTlsQuicParameterInitialMaxStreamsUni "tls.quic.parameter.initial_max_streams_uni" UInt "QUIC transport parameter initial_max_streams_uni (QUIC CRYPTO, details tree)";
    TTlsQuicParameterAckDelayExponent "tls.quic.parameter.ack_delay_exponent" UInt "QUIC transport parameter ack_delay_exponent (QUIC CRYPTO, details tree)";
    TTlsQuicParameterMaxAckDelay "tls.quic.parameter.max_ack_delay" UInt "QUIC transport parameter max_ack_delay (QUIC CRYPTO, details tree)";
    TTlsQuicParameterActiveConnectionIdLimit "tls.quic.parameter.active_connection_id_limit" UInt "QUIC transport parameter active_connection_id_limit (QUIC CRYPTO, details tree)";
    TTlsQuicParameterMaxDatagramFrameSize "tls.quic.parameter.max_datagram_frame_size" UInt "QUIC transport parameter max_datagram_frame_size (QUIC CRYPTO, details tree)";
    TTlsQuicParameterGoogleInitialRtt "tls.quic.parameter.google.initial_rtt" UInt "QUIC transport parameter google.initial_rtt (QUIC CRYPTO, details tree)";
    TTlsQuicParameterGoogleQuicVersion "tls.quic.parameter.google.quic_version" UInt "QUIC transport parameter google.quic_version (QUIC CRYPTO, details tree)";
    TTlsQuicParameterViChosenVersion "tls.quic.parameter.vi.chosen_version" UInt "QUIC transport parameter vi.chosen_version (QUIC CRYPTO, details tree)";
    TTlsQuicParameterViOtherVersion "tls.quic.parameter.vi.other_version" UInt "QUIC transport parameter vi.other_version (QUIC CRYPTO, details tree)";
    TTlsQuicParameterGoogleConnectionOptions "tls.quic.parameter.google.connection_options" Bytes "QUIC transport parameter google_connection_options (QUIC CRYPTO, details tree)";
    TTlsQuicParameterGoogleUserAgent "tls.quic.parameter.google.user_agent" Str "QUIC transport parameter google_user_agent (QUIC CRYPTO, details tree)";
    TIcmpIdent "icmp.ident" UInt "ICMP (details tree)";
    TIcmpIdentLe "icmp.ident_le" UInt "ICMP (details tree)";
    TIcmpRespTo "icmp.resp_to" UInt "ICMP (details tree)";
    TIcmpResptime "icmp.resptime" Str "ICMP (details tree)";
    TIcmpSeq "icmp.seq" UInt "ICMP (details tree)";
    TIcmpSeqLe "icmp.seq_le" UInt "ICMP (details tree)";
    TIcmpUnused "icmp.unused" Bytes "ICMP (details tree)";
    TIcmpv6Checksum "icmpv6.checksum" UInt "ICMPv6 (details tree)";
    TIcmpv6ChecksumStatus "icmpv6.checksum.status" UInt "ICMPv6 (details tree)";
    TIcmpv6EchoIdentifier "icmpv6.echo.identifier" UInt "ICMPv6 (details tree)";
    TIcmpv6EchoSequenceNumber "icmpv6.echo.sequence_number" UInt "ICMPv6 (details tree)";
    TIcmpv6Mtu "icmpv6.mtu" UInt "ICMPv6 (details tree)";
    TIcmpv6Pointer "icmpv6.pointer" UInt "ICMPv6 (details tree)";
    TIcmpv6Reserved "icmpv6.reserved" Bytes "ICMPv6 (details tree)";
    TIcmpv6RespTo "icmpv6.resp_to" UInt "ICMPv6 (details tree)";
    TIcmpv6Resptime "icmpv6.resptime" Str "ICMPv6 (details tree)";
    TIeee8021ad "ieee8021ad" Protocol "802.1ad (details tree)";
    TIeee8021adDei "ieee8021ad.dei" UInt "802.1ad (details tree)";
    TIeee8021ahEtype "ieee8021ah.etype" UInt "802.1ad: type (tshark names it ieee8021ah; details tree)";
    TIeee8021adId "ieee8021ad.id" UInt "802.1ad (details tree)";
    TIeee8021adPriority "ieee8021ad.priority" UInt "802.1ad (details tree)";
    TIpv6TclassDscp "ipv6.tclass.dscp" UInt "IPv6 (details tree)";
    TIpv6TclassEcn "ipv6.tclass.ecn" UInt "IPv6 (details tree)";
    TIpv6Version "ipv6.version" UInt "IPv6 (details tree)";
    TJsonArray "json.array" Protocol "JSON (details tree)";
    TJsonKey "json.key" Str "JSON (details tree)";
    TJsonMember "json.member" Protocol "JSON (details tree)";
    TJsonMemberWithValue "json.member_with_value" Str "JSON (details tree)";
    TJsonObject "json.object" Protocol "JSON (details tree)";
    TJsonPath "json.path" Str "JSON (details tree)";
    TJsonPathWithValue "json.path_with_value" Str "JSON (details tree)";
    TJsonValueFalse "json.value.false" Protocol "JSON (details tree)";
    TJsonValueNull "json.value.null" Protocol "JSON (details tree)";
    TJsonValueNumber "json.value.number" Str "JSON (details tree)";
    TJsonValueString "json.value.string" Str "JSON (details tree)";
    TJsonValueTrue "json.value.true" Protocol "JSON (details tree)";
    TMediaType "media.type" Str "Media Type (details tree)";
    TNull "null" Protocol "NULL/Loopback (details tree)";
    TRaw "raw" Protocol "Raw IP (details tree)";
    TSllHalen "sll.halen" UInt "Linux cooked capture (details tree)";
    TSllHatype "sll.hatype" UInt "Linux cooked capture (details tree)";
    TSllIfindex "sll.ifindex" UInt "Linux cooked capture (details tree)";
    TSllSrcEth "sll.src.eth" Ether "Linux cooked capture (details tree)";
    TSllSrcOther "sll.src.other" Str "Linux cooked capture (details tree)";
    TSllUnused "sll.unused" Str "Linux cooked capture (details tree)";
    TTcpAnalysis "tcp.analysis" Protocol "TCP (details tree)";
    TTcpAnalysisDuplicateAckFrame "tcp.analysis.duplicate_ack_frame" UInt "TCP (details tree)";
    TTcpFlagsAe "tcp.flags.ae" Bool "TCP (details tree)";
    TTcpFlagsRes "tcp.flags.res" Bool "TCP (details tree)";
    TTcpOptionKind "tcp.option_kind" UInt "TCP (details tree)";
    TTcpOptionLen "tcp.option_len" UInt "TCP (details tree)";
    TTcpOptions "tcp.options" Bytes "TCP (details tree)";
    TTcpOptionsEol "tcp.options.eol" Bytes "TCP (details tree)";
    TTcpOptionsMss "tcp.options.mss" Bytes "TCP (details tree)";
    TTcpOptionsNop "tcp.options.nop" Bytes "TCP (details tree)";
    TTcpOptionsSack "tcp.options.sack" Bytes "TCP (details tree)";
    TTcpOptionsSackLe "tcp.options.sack_le" UInt "TCP (details tree)";
    TTcpOptionsSackPerm "tcp.options.sack_perm" Bytes "TCP (details tree)";
    TTcpOptionsSackRe "tcp.options.sack_re" UInt "TCP (details tree)";
    TTcpOptionsTimestamp "tcp.options.timestamp" Bytes "TCP (details tree)";
    TTcpOptionsUnknown "tcp.options.unknown" Bytes "TCP (details tree)";
    TTcpOptionsWscale "tcp.options.wscale" Bytes "TCP (details tree)";
    TTcpReassembledData "tcp.reassembled.data" Bytes "TCP (details tree)";
    TTcpReassembledLength "tcp.reassembled.length" UInt "TCP (details tree)";
    TTcpSegment "tcp.segment" UInt "TCP (details tree)";
    TTcpSegmentCount "tcp.segment.count" UInt "TCP (details tree)";
    TTcpSegmentData "tcp.segment_data" Bytes "TCP (details tree)";
    TTcpSegments "tcp.segments" Protocol "TCP (details tree)";
    TUdpChecksum "udp.checksum" UInt "UDP (details tree)";
    TVlanTrailer "vlan.trailer" Bytes "802.1Q VLAN (details tree)";
    TUdpPayload "udp.payload" Bytes "UDP (details tree)";
    TSmtp "smtp" Protocol "SMTP (details tree)";
    TSmtpReq "smtp.req" Bool "SMTP (details tree)";
    TSmtpRsp "smtp.rsp" Bool "SMTP (details tree)";
    TSmtpCommandLine "smtp.command_line" Str "SMTP (details tree)";
    TSmtpReqCommand "smtp.req.command" Str "SMTP (details tree)";
    TSmtpReqParameter "smtp.req.parameter" Str "SMTP (details tree)";
    TSmtpResponse "smtp.response" Str "SMTP (details tree)";
    TSmtpResponseCode "smtp.response.code" UInt "SMTP (details tree)";
    TSmtpRspParameter "smtp.rsp.parameter" Str "SMTP (details tree)";
    TSmtpEom "smtp.eom" Protocol "SMTP (details tree)";
    TSmtpDataFragments "smtp.data.fragments" Protocol "SMTP (details tree)";
    TSmtpDataFragment "smtp.data.fragment" UInt "SMTP (details tree)";
    TSmtpDataFragmentCount "smtp.data.fragment.count" UInt "SMTP (details tree)";
    TSmtpDataReassembledLength "smtp.data.reassembled.length" UInt "SMTP (details tree)";
    TImf "imf" Protocol "IMF (details tree)";
    TImfDate "imf.date" Str "IMF (details tree)";
    TImfFrom "imf.from" Str "IMF (details tree)";
    TImfSender "imf.sender" Str "IMF (details tree)";
    TImfReplyTo "imf.reply_to" Str "IMF (details tree)";
    TImfTo "imf.to" Str "IMF (details tree)";
    TImfCc "imf.cc" Str "IMF (details tree)";
    TImfBcc "imf.bcc" Str "IMF (details tree)";
    TImfMessageId "imf.message_id" Str "IMF (details tree)";
    TImfInReplyTo "imf.in_reply_to" Str "IMF (details tree)";
    TImfReferences "imf.references" Str "IMF (details tree)";
    TImfSubject "imf.subject" Str "IMF (details tree)";
    TMimeMultipart "mime_multipart" Protocol "MIME multipart (details tree)";
    TMimeMultipartType "mime_multipart.type" Str "MIME multipart (details tree)";
    TMimeMultipartPreamble "mime_multipart.preamble" Bytes "MIME multipart (details tree)";
    TMimeMultipartFirstBoundary "mime_multipart.first_boundary" Str "MIME multipart (details tree)";
    TMimeMultipartPart "mime_multipart.part" Str "MIME multipart (details tree)";
    TMimeMultipartBoundary "mime_multipart.boundary" Str "MIME multipart (details tree)";
    TMimeMultipartLastBoundary "mime_multipart.last_boundary" Str "MIME multipart (details tree)";
    TMimeMultipartTrailer "mime_multipart.trailer" Bytes "MIME multipart (details tree)";
    TMimeMultipartHeaderContentType "mime_multipart.header.content-type" Str "MIME multipart (details tree)";
    TMimeMultipartHeaderContentDisposition "mime_multipart.header.content-disposition" Str "MIME multipart (details tree)";
    TImfComments "imf.comments" Str "IMF (details tree)";
    TImfUserAgent "imf.user_agent" Str "IMF (details tree)";
    TImfKeywords "imf.keywords" Str "IMF (details tree)";
    TImfResentDate "imf.resent.date" Str "IMF (details tree)";
    TImfResentFrom "imf.resent.from" Str "IMF (details tree)";
    TImfResentTo "imf.resent.to" Str "IMF (details tree)";
    TImfResentCc "imf.resent.cc" Str "IMF (details tree)";
    TImfResentBcc "imf.resent.bcc" Str "IMF (details tree)";
    TImfResentMessageId "imf.resent.message_id" Str "IMF (details tree)";
    TImfReturnPath "imf.return_path" Str "IMF (details tree)";
    TImfReceived "imf.received" Str "IMF (details tree)";
    TImfContentType "imf.content.type" Str "IMF (details tree)";
    TImfContentDescription "imf.content.description" Str "IMF (details tree)";
    TImfContentId "imf.content.id" Str "IMF (details tree)";
    TImfContentTransferEncoding "imf.content.transfer_encoding" Str "IMF (details tree)";
    TImfMimeVersion "imf.mime_version" Str "IMF (details tree)";
    TImfDeliveredTo "imf.delivered_to" Str "IMF (details tree)";
    TImfExtMailer "imf.ext.mailer" Str "IMF (details tree)";
    TImfExtOriginalTo "imf.ext.original-to" Str "IMF (details tree)";
    TImfExtVirusScanned "imf.ext.virus_scanned" Str "IMF (details tree)";
    TImfPrecedence "imf.precedence" Str "IMF (details tree)";
    TImfLines "imf.lines" Str "IMF (details tree)";
    TImfDisplayName "imf.display_name" Str "IMF (details tree)";
    TImfAddress "imf.address" Str "IMF (details tree)";
    TImfMailboxListItem "imf.mailbox_list.item" Str "IMF (details tree)";
    TImfAddressListItem "imf.address_list.item" Str "IMF (details tree)";
    TImfContentTypeType "imf.content.type.type" Str "IMF (details tree)";
    TImfContentTypeParameters "imf.content.type.parameters" Str "IMF (details tree)";
    TImfExtension "imf.extension" Str "IMF (details tree)";
    TImfExtensionType "imf.extension.type" Str "IMF (details tree)";
    TImfExtensionValue "imf.extension.value" Str "IMF (details tree)";
    TImfMessageText "imf.message_text" Protocol "IMF (details tree)";
    TFtp "ftp" Protocol "FTP (details tree)";
    TFtpRequest "ftp.request" Bool "FTP (details tree)";
    TFtpResponse "ftp.response" Bool "FTP (details tree)";
    TFtpRequestCommand "ftp.request.command" Str "FTP (details tree)";
    TFtpRequestArg "ftp.request.arg" Str "FTP (details tree)";
    TFtpResponseCode "ftp.response.code" UInt "FTP (details tree)";
    TFtpResponseArg "ftp.response.arg" Str "FTP (details tree)";
    TFtpPassiveIp "ftp.passive.ip" Ipv4 "FTP (details tree)";
    TFtpPassivePort "ftp.passive.port" UInt "FTP (details tree)";
    TFtpPassiveNat "ftp.passive.nat" Bool "FTP (details tree)";
    TFtpActiveCip "ftp.active.cip" Ipv4 "FTP (details tree)";
    TFtpActivePort "ftp.active.port" UInt "FTP (details tree)";
    TFtpActiveNat "ftp.active.nat" Bool "FTP (details tree)";
    TFtpEprtAf "ftp.eprt.af" UInt "FTP (details tree)";
    TFtpEprtIp "ftp.eprt.ip" Ipv4 "FTP (details tree)";
    TFtpEprtIpv6 "ftp.eprt.ipv6" Ipv6 "FTP (details tree)";
    TFtpEprtPort "ftp.eprt.port" UInt "FTP (details tree)";
    TFtpEpsvIp "ftp.epsv.ip" Ipv4 "FTP (details tree)";
    TFtpEpsvIpv6 "ftp.epsv.ipv6" Ipv6 "FTP (details tree)";
    TFtpEpsvPort "ftp.epsv.port" UInt "FTP (details tree)";
    TFtpCwd "ftp.current-working-directory" Str "FTP (details tree)";
    TFtpData "ftp-data" Protocol "FTP-DATA (details tree)";
    TFtpDataSetupFrame "ftp-data.setup-frame" UInt "FTP-DATA (details tree)";
    TFtpDataSetupMethod "ftp-data.setup-method" Str "FTP-DATA (details tree)";
    TFtpDataCommand "ftp-data.command" Str "FTP-DATA (details tree)";
    TFtpDataCommandFrame "ftp-data.command-frame" UInt "FTP-DATA (details tree)";
    TFtpDataCwd "ftp-data.current-working-directory" Str "FTP-DATA (details tree)";
    TSsh "ssh" Protocol "SSH (details tree)";
    TSshProtocol "ssh.protocol" Str "SSH (details tree)";
    TSshDirection "ssh.direction" Bool "SSH (details tree)";
    TSshPacketLength "ssh.packet_length" UInt "SSH (details tree)";
    TSshPaddingLength "ssh.padding_length" UInt "SSH (details tree)";
    TSshMessageCode "ssh.message_code" UInt "SSH (details tree)";
    TSshCookie "ssh.cookie" Bytes "SSH (details tree)";
    TSshKexAlgorithmsLength "ssh.kex_algorithms_length" UInt "SSH (details tree)";
    TSshKexAlgorithms "ssh.kex_algorithms" Str "SSH (details tree)";
    TSshServerHostKeyAlgorithmsLength "ssh.server_host_key_algorithms_length" UInt "SSH (details tree)";
    TSshServerHostKeyAlgorithms "ssh.server_host_key_algorithms" Str "SSH (details tree)";
    TSshEncryptionAlgorithmsClientToServerLength "ssh.encryption_algorithms_client_to_server_length" UInt "SSH (details tree)";
    TSshEncryptionAlgorithmsClientToServer "ssh.encryption_algorithms_client_to_server" Str "SSH (details tree)";
    TSshEncryptionAlgorithmsServerToClientLength "ssh.encryption_algorithms_server_to_client_length" UInt "SSH (details tree)";
    TSshEncryptionAlgorithmsServerToClient "ssh.encryption_algorithms_server_to_client" Str "SSH (details tree)";
    TSshMacAlgorithmsClientToServerLength "ssh.mac_algorithms_client_to_server_length" UInt "SSH (details tree)";
    TSshMacAlgorithmsClientToServer "ssh.mac_algorithms_client_to_server" Str "SSH (details tree)";
    TSshMacAlgorithmsServerToClientLength "ssh.mac_algorithms_server_to_client_length" UInt "SSH (details tree)";
    TSshMacAlgorithmsServerToClient "ssh.mac_algorithms_server_to_client" Str "SSH (details tree)";
    TSshCompressionAlgorithmsClientToServerLength "ssh.compression_algorithms_client_to_server_length" UInt "SSH (details tree)";
    TSshCompressionAlgorithmsClientToServer "ssh.compression_algorithms_client_to_server" Str "SSH (details tree)";
    TSshCompressionAlgorithmsServerToClientLength "ssh.compression_algorithms_server_to_client_length" UInt "SSH (details tree)";
    TSshCompressionAlgorithmsServerToClient "ssh.compression_algorithms_server_to_client" Str "SSH (details tree)";
    TSshLanguagesClientToServerLength "ssh.languages_client_to_server_length" UInt "SSH (details tree)";
    TSshLanguagesClientToServer "ssh.languages_client_to_server" Str "SSH (details tree)";
    TSshLanguagesServerToClientLength "ssh.languages_server_to_client_length" UInt "SSH (details tree)";
    TSshLanguagesServerToClient "ssh.languages_server_to_client" Str "SSH (details tree)";
    TSshFirstKexPacketFollows "ssh.first_kex_packet_follows" UInt "SSH (details tree)";
    TSshKexReserved "ssh.kex.reserved" Bytes "SSH (details tree)";
    TSshKexHasshAlgorithms "ssh.kex.hassh_algorithms" Str "SSH (details tree)";
    TSshKexHassh "ssh.kex.hassh" Str "SSH (details tree)";
    TSshKexHasshserverAlgorithms "ssh.kex.hasshserver_algorithms" Str "SSH (details tree)";
    TSshKexHasshserver "ssh.kex.hasshserver" Str "SSH (details tree)";
    TSshPaddingString "ssh.padding_string" Bytes "SSH (details tree)";
    TSshSeqNum "ssh.seq_num" UInt "SSH (details tree)";
    TSshPacketLengthEncrypted "ssh.packet_length_encrypted" Bytes "SSH (details tree)";
    TSshEncryptedPacket "ssh.encrypted_packet" Bytes "SSH (details tree)";
    TSshMpintLength "ssh.mpint_length" UInt "SSH (details tree)";
    TSshStringLength "ssh.string_length" UInt "SSH (details tree)";
    TSshDhE "ssh.dh.e" Bytes "SSH (details tree)";
    TSshDhF "ssh.dh.f" Bytes "SSH (details tree)";
    TSshDhGexMin "ssh.dh_gex.min" UInt "SSH (details tree)";
    TSshDhGexNbits "ssh.dh_gex.nbits" UInt "SSH (details tree)";
    TSshDhGexMax "ssh.dh_gex.max" UInt "SSH (details tree)";
    TSshDhGexP "ssh.dh_gex.p" Bytes "SSH (details tree)";
    TSshDhGexG "ssh.dh_gex.g" Bytes "SSH (details tree)";
    TSshEcdhQC "ssh.ecdh.q_c" Bytes "SSH (details tree)";
    TSshEcdhQS "ssh.ecdh.q_s" Bytes "SSH (details tree)";
    TSshHostKeyLength "ssh.host_key.length" UInt "SSH (details tree)";
    TSshHostKeyTypeLength "ssh.host_key.type_length" UInt "SSH (details tree)";
    TSshHostKeyType "ssh.host_key.type" Str "SSH (details tree)";
    TSshHostKeyRsaE "ssh.host_key.rsa.e" Bytes "SSH (details tree)";
    TSshHostKeyRsaN "ssh.host_key.rsa.n" Bytes "SSH (details tree)";
    TSshHostKeyDsaP "ssh.host_key.dsa.p" Bytes "SSH (details tree)";
    TSshHostKeyDsaQ "ssh.host_key.dsa.q" Bytes "SSH (details tree)";
    TSshHostKeyDsaG "ssh.host_key.dsa.g" Bytes "SSH (details tree)";
    TSshHostKeyDsaY "ssh.host_key.dsa.y" Bytes "SSH (details tree)";
    TSshHostKeyEcdsaId "ssh.host_key.ecdsa.id" Bytes "SSH (details tree)";
    TSshHostKeyEcdsaQ "ssh.host_key.ecdsa.q" Bytes "SSH (details tree)";
    TSshHostKeyEddsaKey "ssh.host_key.eddsa.key" Bytes "SSH (details tree)";
    TSshHostKeyData "ssh.host_key.data" Bytes "SSH (details tree)";
    TSshHostSigLength "ssh.host_sig.length" UInt "SSH (details tree)";
    TSshHostSigTypeLength "ssh.host_sig.type_length" UInt "SSH (details tree)";
    TSshHostSigType "ssh.host_sig.type" Str "SSH (details tree)";
    TSshHostSigRsa "ssh.host_sig.rsa" Bytes "SSH (details tree)";
    TSshHostSigDsa "ssh.host_sig.dsa" Bytes "SSH (details tree)";
    TSshHostSigData "ssh.host_sig.data" Bytes "SSH (details tree)";
    TDnsLength "dns.length" UInt "DNS over TCP (details tree)";
    TPop "pop" Protocol "POP (details tree)";
    TPopRequest "pop.request" Str "POP (details tree)";
    TPopRequestCommand "pop.request.command" Str "POP (details tree)";
    TPopRequestParameter "pop.request.parameter" Str "POP (details tree)";
    TPopRequestData "pop.request.data" Str "POP (details tree)";
    TPopResponse "pop.response" Str "POP (details tree)";
    TPopResponseIndicator "pop.response.indicator" Str "POP (details tree)";
    TPopResponseDescription "pop.response.description" Str "POP (details tree)";
    TPopResponseData "pop.response.data" Str "POP (details tree)";
    TImap "imap" Protocol "IMAP (details tree)";
    TImapIsrequest "imap.isrequest" Bool "IMAP (details tree)";
    TImapLine "imap.line" Str "IMAP (details tree)";
    TImapRequest "imap.request" Str "IMAP (details tree)";
    TImapResponse "imap.response" Str "IMAP (details tree)";
    TImapRequestTag "imap.request_tag" Str "IMAP (details tree)";
    TImapResponseTag "imap.response_tag" Str "IMAP (details tree)";
    TImapTag "imap.tag" Str "IMAP (details tree)";
    TImapRequestCommand "imap.request.command" Str "IMAP (details tree)";
    TImapResponseStatus "imap.response.status" Str "IMAP (details tree)";
    TImapResponseCommand "imap.response.command" Str "IMAP (details tree)";
    TImapCommand "imap.command" Str "IMAP (details tree)";
    TImapRequestFolder "imap.request.folder" Str "IMAP (details tree)";
    TImapRequestUsername "imap.request.username" Str "IMAP (details tree)";
    TImapRequestPassword "imap.request.password" Str "IMAP (details tree)";
    TImapResponseTo "imap.response_to" UInt "IMAP (details tree)";
    TImapTime "imap.time" Time "IMAP (details tree)";
    TTcpPduSize "tcp.pdu.size" UInt "TCP (details tree)";
}

/// Finds a field by its Wireshark name.
pub fn lookup(name: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|f| f.name == name)
}

/// The known field closest to a misspelt name (edit distance ≤ 2).
pub fn suggest(name: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .map(|f| (distance(name, f.name), f.name))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

impl FieldId {
    pub fn def(self) -> &'static FieldDef {
        // The table is generated in enum order.
        &FIELDS[self as usize]
    }
    pub fn name(self) -> &'static str {
        self.def().name
    }
    /// Whether the field's values come from the HTTP index, or whether the
    /// field is there at all only as the index decides.
    pub fn is_http(self) -> bool {
        let name = self.name();
        // The Info and Protocol columns of HTTP rows, the protocol chain and
        // HTTP's expert notes come from the index; TLS fields too: the TLS
        // index is built with the HTTP index. Where a payload is an HTTP
        // message, a segment of one, or a body layer (JSON, media) the tree
        // says so instead of `data`: those fields read the index as well.
        name == "http"
            || name.starts_with("http.")
            || name.starts_with("http2")
            || name == "tls"
            || name.starts_with("tls.")
            || name.starts_with("_ws.")
            || name == "frame.protocols"
            || name == "data"
            || name.starts_with("data.")
            || name == "json"
            || name.starts_with("json.")
            || name.starts_with("media.")
            || name.starts_with("tcp.reassembled")
            || name.starts_with("tcp.segment")
            // SMTP and IMF read the segment's row in the index.
            || name == "smtp"
            || name.starts_with("smtp.")
            || name == "imf"
            || name.starts_with("imf.")
            // So do the other stream protocols the tree dissects.
            // DNS over TCP is read from the connection's rows, multipart
            // parts from the HTTP message.
            || ["ftp", "ftp-data", "ssh", "pop", "imap", "dns", "mime_multipart"]
                .iter()
                .any(|p| name == *p || name.strip_prefix(p).is_some_and(|r| r.starts_with('.')))
            || name == "tcp.pdu.size"
            // Whether a SYN counts depends on an FTP control connection
            // having announced the data connection, which the index holds.
            || name == "tcp.completeness"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_matches_enum() {
        for (i, f) in FIELDS.iter().enumerate() {
            assert_eq!(f.id as usize, i, "{}", f.name);
        }
    }

    #[test]
    fn lookup_and_suggest() {
        assert_eq!(lookup("tcp.port").map(|f| f.ty), Some(FieldType::UInt));
        assert!(lookup("tcp.prot").is_none());
        assert_eq!(suggest("tcp.prot"), Some("tcp.port"));
        assert_eq!(suggest("zzzzzz"), None);
    }
}
