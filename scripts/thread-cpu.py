# The CPU time of each thread of a process, by thread name: "snap PID FILE" keeps it, "diff FILE PID"
# prints what each name used since (user + system, and system), in seconds. Used by
# scripts/profile-replication.sh.
import os,sys,json
def snap(pid):
    out={}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            comm=open(f'/proc/{pid}/task/{tid}/comm').read().strip()
            st=open(f'/proc/{pid}/task/{tid}/stat').read()
            f=st[st.rindex(')')+2:].split()
            out[tid]=(comm,int(f[11])+int(f[12]),int(f[12]))
        except FileNotFoundError: pass
    return out
if sys.argv[1]=='snap':
    json.dump(snap(sys.argv[2]),open(sys.argv[3],'w'))
else:
    a=json.load(open(sys.argv[2])); b=snap(sys.argv[3])
    agg={}
    sysagg={}
    for tid,(comm,t,sy) in b.items():
        old=a.get(tid,[comm,0,0])
        k=comm.rstrip('0123456789-')
        agg[k]=agg.get(k,0)+t-old[1]
        sysagg[k]=sysagg.get(k,0)+sy-old[2]
    for k,v in sorted(agg.items(),key=lambda x:-x[1])[:12]:
        if v: print(f"{v/100:7.2f} s (sys {sysagg[k]/100:5.2f})  {k}")
