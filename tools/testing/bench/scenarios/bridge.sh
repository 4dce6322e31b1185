# A Linux bridge between the two ports, static FDB entries for both ends.
desc="Linux bridge"

setup() {
	rt ip link add br0 type bridge forward_delay 0
	rt ip link set r0 master br0
	rt ip link set r1 master br0
	rt ip link set br0 up
	rt bridge fdb replace "$S0" dev r1 master static
	rt bridge fdb replace "$X0" dev r0 master static
	FWD_MAC=$S0
	REPLY_MAC=$X0
}
